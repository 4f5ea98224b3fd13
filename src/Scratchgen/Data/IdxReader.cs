using System.Buffers.Binary;
using System.IO.Compression;

namespace Scratchgen.Data;

/// <summary>Reads IDX files (the MNIST / Fashion-MNIST format), plain or gzipped.
/// Layout: two zero bytes, a type code (only 0x08 = unsigned byte is supported), the number of
/// dimensions r, r big-endian uint32 sizes, then the elements. Untrusted input: the header is checked
/// before anything is allocated, sizes are computed without overflow, the length must match exactly
/// (truncated and trailing data are both refused), gzip is recognised by its magic bytes (1F 8B) and
/// inflated no further than the header implies.</summary>
public static class IdxReader
{
    /// <summary>The most dimensions we accept (MNIST uses 3 for images, 1 for labels).</summary>
    public const int MaxRank = 4;

    /// <summary>The most elements one file may hold (the .NET array limit).</summary>
    public const long MaxElements = 0x7FFFFFC7;

    /// <summary>Deflate cannot compress better than about 1032:1; a header claiming more than this
    /// many bytes per compressed byte is refused before inflating.</summary>
    private const long MaxInflateRatio = 1032;

    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file from disk.</summary>
    public static IdxArray Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(file, path);
    }

    /// <summary>Reads an IDX file from a seekable stream (from its current position to its end);
    /// <paramref name="name"/> is used in error messages.</summary>
    public static IdxArray Read(Stream stream, string name)
    {
        if (!stream.CanSeek) throw new ArgumentException("IdxReader needs a seekable stream", nameof(stream));
        long length = stream.Length - stream.Position;
        long start = stream.Position;
        int b0 = stream.ReadByte(), b1 = stream.ReadByte();
        stream.Position = start;
        if (b0 == 0x1F && b1 == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
                return ReadBody(gz, name, compressedLength: length, plainLength: null);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException(name, $"the gzip data is corrupt ({e.Message})", e);
            }
        }
        return ReadBody(stream, name, compressedLength: null, plainLength: length);
    }

    private static IdxArray ReadBody(Stream s, string name, long? compressedLength, long? plainLength)
    {
        string where = compressedLength != null ? "the inflated data" : "the file";
        Span<byte> magic = stackalloc byte[4];
        int got = ReadFully(s, magic);
        if (got < 4) throw new DataFormatException(name, $"{where} ends after {got} bytes: an IDX header needs at least 4");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFormatException(name, $"expected an IDX file starting with two zero bytes, got 0x{magic[0]:X2} 0x{magic[1]:X2}");
        if (magic[2] != UnsignedByte)
            throw new DataFormatException(name, $"IDX type code 0x{magic[2]:X2} is not supported: expected 0x08 (unsigned byte)");
        int rank = magic[3];
        if (rank < 1 || rank > MaxRank)
            throw new DataFormatException(name, $"IDX header claims {rank} dimensions: expected 1 to {MaxRank}");

        Span<byte> dimBytes = stackalloc byte[4 * MaxRank];
        dimBytes = dimBytes[..(4 * rank)];
        got = ReadFully(s, dimBytes);
        if (got < dimBytes.Length)
            throw new DataFormatException(name, $"{where} ends inside the header: {rank} dimensions need {4 * rank} bytes, found {got}");

        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (d > MaxElements)
                throw new DataFormatException(name, $"IDX dimension {i} is {d}: more than the limit of {MaxElements} elements");
            dims[i] = (int)d;
            elements *= d; // both factors <= MaxElements < 2^31 and elements <= MaxElements: no overflow
            if (elements > MaxElements)
                throw new DataFormatException(name, $"IDX dimensions [{string.Join(", ", dims[..(i + 1)])}...] hold more than {MaxElements} elements");
        }

        long headerBytes = 4 + 4L * rank;
        if (plainLength is long plain && plain != headerBytes + elements)
        {
            string kind = plain < headerBytes + elements ? "truncated" : "trailing data";
            throw new DataFormatException(name, $"{kind}: dimensions [{string.Join(", ", dims)}] need {headerBytes + elements} bytes, the file has {plain}");
        }
        if (compressedLength is long packed && elements > packed * MaxInflateRatio + 1024)
            throw new DataFormatException(name, $"header claims {elements} bytes of data, more than {packed} bytes of gzip can inflate to: the file is truncated or corrupt");

        var data = new byte[elements];
        got = ReadFully(s, data);
        if (got < elements)
            throw new DataFormatException(name, $"truncated: dimensions [{string.Join(", ", dims)}] need {elements} data bytes, {where} has {got}");
        if (compressedLength != null && s.ReadByte() != -1)
            throw new DataFormatException(name, $"trailing data: the inflated file is longer than the {headerBytes + elements} bytes its header implies");
        return new IdxArray(dims, data);
    }

    private static int ReadFully(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
