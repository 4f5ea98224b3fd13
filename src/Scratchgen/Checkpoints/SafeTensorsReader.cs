using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Scratchgen.Checkpoints;

/// <summary>Reads safetensors files as untrusted input. Before any tensor memory is allocated it checks:
/// the header length (cap, and within the file), strict UTF-8, a JSON object, no duplicate names,
/// the tensor count, supported dtypes, the rank cap, non-negative integer sizes, byte counts equal to
/// numel x dtype size (computed without overflow), and offsets that start at 0, are sorted and
/// contiguous (no gaps, no overlaps) and end exactly at the end of the file.</summary>
internal static class SafeTensorsReader
{
    private sealed record Info(string Name, SafeTensorDType DType, int[] Shape, ulong Begin, ulong End);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SafeTensorsFile Read(Stream stream, string path)
    {
        if (!stream.CanSeek) throw new ArgumentException("reading safetensors needs a seekable stream", nameof(stream));
        long fileLength = stream.Length - stream.Position;
        Span<byte> prefix = stackalloc byte[8];
        if (fileLength < 8 || ReadFully(stream, prefix) < 8)
            throw Fail(path, null, $"the file has {fileLength} bytes: a safetensors file starts with an 8-byte header length");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > SafeTensors.MaxHeaderBytes)
            throw Fail(path, null, $"header length {n} is over the limit of {SafeTensors.MaxHeaderBytes} bytes");
        if ((long)n > fileLength - 8)
            throw Fail(path, null, $"header length {n} runs past the end of the file ({fileLength} bytes)");

        var headerBytes = new byte[n];
        ReadFully(stream, headerBytes);
        string json;
        try { json = StrictUtf8.GetString(headerBytes); }
        catch (DecoderFallbackException e) { throw Fail(path, null, "the header is not valid UTF-8", e); }

        List<Info> infos;
        Dictionary<string, string> metadata;
        try { (infos, metadata) = ParseHeader(json, path); }
        catch (InvalidOperationException e) { throw Fail(path, null, $"the header holds a string that is not valid Unicode ({e.Message})", e); }
        long dataLength = fileLength - 8 - (long)n;
        Validate(infos, dataLength, path);

        var tensors = new Dictionary<string, TensorEntry>(infos.Count);
        foreach (var info in infos)
        {
            var bytes = new byte[info.End - info.Begin];
            if (ReadFully(stream, bytes) < bytes.Length) throw Fail(path, info.Name, "the file ended while reading its data");
            tensors.Add(info.Name, new TensorEntry(info.DType, info.Shape, bytes));
        }
        return new SafeTensorsFile(path, tensors, metadata);
    }

    private static (List<Info>, Dictionary<string, string>) ParseHeader(string json, string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw Fail(path, null, $"the header is not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Fail(path, null, $"the header must be a JSON object, found {doc.RootElement.ValueKind}");
            var names = new HashSet<string>(StringComparer.Ordinal);
            var infos = new List<Info>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(prop.Name)) throw Fail(path, prop.Name, "the name appears twice in the header");
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Fail(path, null, "__metadata__ must be an object of strings");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String) throw Fail(path, null, $"__metadata__ entry '{m.Name}' must be a string, found {m.Value.ValueKind}");
                        if (!metadata.TryAdd(m.Name, m.Value.GetString()!)) throw Fail(path, null, $"__metadata__ entry '{m.Name}' appears twice");
                    }
                    continue;
                }
                if (infos.Count >= SafeTensors.MaxTensors) throw Fail(path, null, $"more than {SafeTensors.MaxTensors} tensors");
                infos.Add(ParseInfo(prop.Name, prop.Value, path));
            }
            return (infos, metadata);
        }
    }

    private static Info ParseInfo(string name, JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Fail(path, name, $"expected an object with dtype, shape and data_offsets, found {e.ValueKind}");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Fail(path, name, "missing \"dtype\" string");
        if (!SafeTensorDTypes.TryParse(dt.GetString()!, out var dtype))
            throw Fail(path, name, $"dtype \"{dt.GetString()}\" is not supported: expected one of {SafeTensorDTypes.Supported}");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Fail(path, name, "missing \"shape\" array");
        int rank = sh.GetArrayLength();
        if (rank > SafeTensors.MaxRank) throw Fail(path, name, $"rank {rank} is over the limit of {SafeTensors.MaxRank}");
        var shape = new int[rank];
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 0)
                throw Fail(path, name, $"shape entry {i} ({d.GetRawText()}) must be an integer from 0 to {int.MaxValue}");
            i++;
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Fail(path, name, "missing \"data_offsets\" [begin, end]");
        if (!off[0].TryGetUInt64(out ulong begin) || !off[1].TryGetUInt64(out ulong end))
            throw Fail(path, name, $"data_offsets {off.GetRawText()} must be two non-negative integers");
        return new Info(name, dtype, shape, begin, end);
    }

    private static void Validate(List<Info> infos, long dataLength, string path)
    {
        infos.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        ulong expectedBegin = 0;
        foreach (var info in infos)
        {
            string shape = $"[{string.Join(", ", info.Shape)}]";
            if (info.Begin != expectedBegin)
                throw Fail(path, info.Name, info.Begin > expectedBegin
                    ? $"data_offsets begin at {info.Begin}, leaving a gap after byte {expectedBegin}"
                    : $"data_offsets begin at {info.Begin}, overlapping data that ends at {expectedBegin}");
            if (info.End < info.Begin) throw Fail(path, info.Name, $"data_offsets [{info.Begin}, {info.End}] end before they begin");
            ulong bytes = (ulong)info.DType.Size();
            foreach (int d in info.Shape)
                if (!TryMultiply(bytes, (ulong)d, out bytes))
                    throw Fail(path, info.Name, $"shape {shape} of {info.DType} overflows a 64-bit byte count");
            if (info.End - info.Begin != bytes)
                throw Fail(path, info.Name, $"shape {shape} of {info.DType} needs {bytes} bytes, data_offsets [{info.Begin}, {info.End}] hold {info.End - info.Begin}");
            if (info.End > (ulong)dataLength)
                throw Fail(path, info.Name, $"data_offsets end at {info.End}, past the {dataLength} data bytes in the file");
            if (bytes > (ulong)Array.MaxLength)
                throw Fail(path, info.Name, $"{bytes} bytes is more than one array can hold");
            expectedBegin = info.End;
        }
        if (expectedBegin != (ulong)dataLength)
            throw Fail(path, null, $"the tensors cover {expectedBegin} data bytes but the file holds {dataLength}: trailing data");
    }

    private static bool TryMultiply(ulong a, ulong b, out ulong product)
    {
        product = a * b;
        return b == 0 || product / b == a;
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

    private static CheckpointFormatException Fail(string path, string? tensor, string problem, Exception? inner = null) =>
        new(path, tensor, problem, inner);
}
