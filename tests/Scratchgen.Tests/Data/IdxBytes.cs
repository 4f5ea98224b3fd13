using System.Buffers.Binary;
using System.IO.Compression;

namespace Scratchgen.Tests.Data;

/// <summary>Builds IDX files (and deliberately broken ones) in memory and on disk for the reader tests.</summary>
internal static class IdxBytes
{
    public static byte[] Build(byte[] dims0, uint[] dims, byte[] payload, byte typeCode = 0x08)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[0] = dims0[0];
        header[1] = dims0[1];
        header[2] = typeCode;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return [.. header, .. payload];
    }

    public static byte[] Build(uint[] dims, byte[] payload) => Build([0, 0], dims, payload);

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    public static byte[] Sequence(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    /// <summary>Writes bytes to a fresh temp file (with a misleading extension on purpose) and returns its path.</summary>
    public static string WriteTemp(byte[] bytes, string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
