using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Scratchgen.Imaging;

/// <summary>Reads the provenance key/values back from a PNG (tEXt, iTXt and zTXt chunks) or a GIF
/// (comment extensions of the form "Key: value") without decoding any pixels: the file is walked
/// chunk by chunk (block by block), with every length checked against the file.</summary>
public static class ImageProvenance
{
    private const int MaxTextBytes = 1 << 20;

    /// <summary>The provenance key/values of a PNG (tEXt chunks) or GIF (comments) written by <see cref="ImageFiles"/>.</summary>
    public static IReadOnlyDictionary<string, string> Read(string path) => Read(File.ReadAllBytes(path), path);

    /// <summary>As <see cref="Read(string)"/>, from bytes in memory; <paramref name="path"/> names them in errors.</summary>
    public static IReadOnlyDictionary<string, string> Read(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> pngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (bytes.AsSpan().StartsWith(pngSignature)) return ReadPng(bytes, path);
        if (bytes.AsSpan().StartsWith("GIF8"u8)) return ReadGif(bytes, path);
        throw new Data.DataFormatException(path, "not a PNG or GIF file");
    }

    private static Dictionary<string, string> ReadPng(byte[] b, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int pos = 8;
        while (pos + 12 <= b.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(pos));
            if (length > (uint)(b.Length - pos - 12)) throw new Data.DataFormatException(path, $"PNG chunk at byte {pos} claims {length} bytes, past the end of the file");
            string type = Encoding.ASCII.GetString(b, pos + 4, 4);
            var data = b.AsSpan(pos + 8, (int)length);
            if (type == "IEND") break;
            int nul = data.IndexOf((byte)0);
            if (nul > 0 && type is "tEXt" or "zTXt" or "iTXt")
            {
                string key = Encoding.Latin1.GetString(data[..nul]);
                var rest = data[(nul + 1)..];
                string? value = type switch
                {
                    "tEXt" => Encoding.Latin1.GetString(rest),
                    "zTXt" => rest.Length > 0 ? Encoding.Latin1.GetString(Inflate(rest[1..].ToArray(), path)) : null,
                    _ => ITxt(rest, path),
                };
                if (value != null) result[key] = value;
            }
            pos += 12 + (int)length;
        }
        return result;
    }

    // iTXt after the keyword: compression flag, method, language tag\0, translated keyword\0, text.
    private static string? ITxt(ReadOnlySpan<byte> rest, string path)
    {
        if (rest.Length < 2) return null;
        bool compressed = rest[0] == 1;
        rest = rest[2..];
        for (int skip = 0; skip < 2; skip++)
        {
            int z = rest.IndexOf((byte)0);
            if (z < 0) return null;
            rest = rest[(z + 1)..];
        }
        return Encoding.UTF8.GetString(compressed ? Inflate(rest.ToArray(), path) : rest);
    }

    private static byte[] Inflate(byte[] data, string path)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        var buffer = new byte[MaxTextBytes + 1];
        int total = 0, n;
        while (total < buffer.Length && (n = z.Read(buffer, total, buffer.Length - total)) > 0) total += n;
        if (total > MaxTextBytes) throw new Data.DataFormatException(path, $"a compressed text chunk inflates past {MaxTextBytes} bytes");
        return buffer[..total];
    }

    private static Dictionary<string, string> ReadGif(byte[] b, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (b.Length < 13) throw new Data.DataFormatException(path, "GIF header is truncated");
        int pos = 13;
        if ((b[10] & 0x80) != 0) pos += 3 << ((b[10] & 7) + 1); // global colour table
        while (pos < b.Length)
        {
            byte block = b[pos++];
            if (block == 0x3B) break; // trailer
            if (block == 0x21)
            {
                if (pos >= b.Length) break;
                byte label = b[pos++];
                var text = new List<byte>();
                pos = SubBlocks(b, pos, label == 0xFE ? text : null, path);
                if (label == 0xFE)
                {
                    string comment = Encoding.UTF8.GetString(text.ToArray());
                    int colon = comment.IndexOf(": ", StringComparison.Ordinal);
                    if (colon > 0) result[comment[..colon]] = comment[(colon + 2)..];
                }
            }
            else if (block == 0x2C)
            {
                if (pos + 9 > b.Length) throw new Data.DataFormatException(path, "GIF image descriptor is truncated");
                byte flags = b[pos + 8];
                pos += 9;
                if ((flags & 0x80) != 0) pos += 3 << ((flags & 7) + 1); // local colour table
                pos += 1; // LZW minimum code size
                pos = SubBlocks(b, pos, null, path);
            }
            else throw new Data.DataFormatException(path, $"unexpected GIF block 0x{block:X2} at byte {pos - 1}");
        }
        return result;
    }

    private static int SubBlocks(byte[] b, int pos, List<byte>? collect, string path)
    {
        while (true)
        {
            if (pos >= b.Length) throw new Data.DataFormatException(path, "GIF data ends inside a block");
            int size = b[pos++];
            if (size == 0) return pos;
            if (pos + size > b.Length) throw new Data.DataFormatException(path, "GIF sub-block runs past the end of the file");
            if (collect != null && collect.Count < MaxTextBytes) collect.AddRange(b.AsSpan(pos, size).ToArray());
            pos += size;
        }
    }
}
