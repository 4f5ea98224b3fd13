using System.Buffers.Binary;
using Scratchgen.Tensors;

namespace Scratchgen.Checkpoints;

/// <summary>The safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// ({"name": {"dtype", "shape", "data_offsets"}, ..., "__metadata__": {string: string}}, padded with
/// spaces to a multiple of 8), then the tensors' raw little-endian bytes, contiguous. Files we write
/// match the reference writer byte for byte (see SafeTensorsHeader) and are written atomically.
/// Files we read are untrusted: SafeTensorsReader checks every rule before allocating.</summary>
public static class SafeTensors
{
    /// <summary>The reference implementation's header cap.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The largest rank a tensor in a file may have; a header that claims more is rejected.</summary>
    public const int MaxRank = 8;

    /// <summary>The most tensors one file may hold; a header that lists more is rejected.</summary>
    public const int MaxTensors = 10_000;

    /// <summary>Writes the file as bytes to a stream.</summary>
    public static void Serialize(Stream stream, IReadOnlyDictionary<string, TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var ordered = SafeTensorsHeader.Order(tensors);
        foreach (var (name, entry) in ordered)
            if (entry.Shape.Length > MaxRank) throw new ArgumentException($"tensor '{name}' has rank {entry.Shape.Length}, over the limit of {MaxRank}");
        var header = SafeTensorsHeader.Build(ordered, metadata);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, entry) in ordered) stream.Write(entry.Bytes);
    }

    /// <summary>The bytes of a safetensors file: an 8-byte little-endian header length, the JSON header (tensors sorted by name, with dtype, shape and data offsets, plus the string metadata), then the tensors' data.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var ms = new MemoryStream();
        Serialize(ms, tensors, metadata);
        return ms.ToArray();
    }

    /// <summary>Writes a safetensors file atomically (temp file, flush to disk, rename).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, TensorEntry> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        AtomicFile.Write(path, s => Serialize(s, tensors, metadata));

    /// <summary>Writes tensors (float32 as F32, float64 as F64) atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.ToDictionary(kv => kv.Key, kv => TensorEntry.FromTensor(kv.Value)), metadata);

    /// <summary>Writes (data, shape) pairs as F32 atomically.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, (float[] Data, int[] Shape)> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.ToDictionary(kv => kv.Key, kv => TensorEntry.F32(kv.Value.Data, kv.Value.Shape)), metadata);

    /// <summary>Reads and validates a safetensors file.</summary>
    public static SafeTensorsFile Read(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return SafeTensorsReader.Read(file, path);
    }

    /// <summary>Reads and validates safetensors bytes from a seekable stream; <paramref name="name"/> is used in errors.</summary>
    public static SafeTensorsFile Read(Stream stream, string name) => SafeTensorsReader.Read(stream, name);
}
