using System.Text;
using Scratchgen.Checkpoints;

namespace Scratchgen.Tests.Checkpoints;

public sealed class SafeTensorsReaderTests
{
    // Hostile() is also the table of malformed files the CLI tests hand to every command that reads a checkpoint.
    /// <summary>8-byte length (the real one unless <paramref name="claimed"/>), the header bytes, then data bytes.</summary>
    private static byte[] Raw(byte[] header, int dataBytes, ulong? claimed = null) =>
        [.. BitConverter.GetBytes(claimed ?? (ulong)header.Length), .. header, .. new byte[dataBytes]];

    private static byte[] Raw(string header, int dataBytes, ulong? claimed = null) => Raw(Encoding.UTF8.GetBytes(header), dataBytes, claimed);

    private static string T(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    private static string ManyTensors(int n) =>
        "{" + string.Join(',', Enumerable.Range(0, n).Select(i => T($"t{i}", "U8", "[0]", 0, 0))) + "}";

    public static TheoryData<string, byte[], string?, string> Hostile() => new()
    {
        { "empty file", [], null, "the file has 0 bytes" },
        { "short file", [1, 2, 3], null, "8-byte header length" },
        { "header length 2^64-1", Raw("{}", 0, ulong.MaxValue), null, "over the limit" },
        { "header past end", Raw("{}", 0, 1000), null, "runs past the end" },
        { "invalid utf-8", Raw([(byte)'{', 0xFF, 0xFE, (byte)'}'], 0), null, "not valid UTF-8" },
        { "invalid json", Raw("{\"a\":", 0), null, "not valid JSON" },
        { "json array", Raw("[]", 0), null, "must be a JSON object" },
        { "duplicate name", Raw("{" + T("w", "U8", "[1]", 0, 1) + "," + T("w", "U8", "[1]", 1, 2) + "}", 2), "w", "appears twice" },
        { "unsupported dtype", Raw("{" + T("h", "F16", "[1]", 0, 2) + "}", 2), "h", "\"F16\" is not supported" },
        { "rank over cap", Raw("{" + T("r", "U8", "[1,1,1,1,1,1,1,1,1]", 0, 1) + "}", 1), "r", "rank 9" },
        { "negative size", Raw("{" + T("n", "U8", "[-1]", 0, 1) + "}", 1), "n", "shape entry 0" },
        { "gap", Raw("{" + T("a", "F32", "[1]", 0, 4) + "," + T("b", "F32", "[1]", 8, 12) + "}", 12), "b", "gap" },
        { "overlap", Raw("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[2]", 4, 12) + "}", 12), "b", "overlapping" },
        { "not starting at 0", Raw("{" + T("a", "F32", "[1]", 4, 8) + "}", 8), "a", "gap" },
        { "byte count", Raw("{" + T("c", "F32", "[2]", 0, 4) + "}", 4), "c", "needs 8 bytes" },
        { "size overflow", Raw("{" + T("o", "F64", "[2147483647,2147483647,2147483647,2147483647]", 0, 8) + "}", 8), "o", "overflows" },
        { "huge tensor, no data", Raw("{" + T("big", "F32", "[1048576,1048576]", 0, 4398046511104) + "}", 0), "big", "past the 0 data bytes" },
        { "offsets reversed", Raw("{" + T("z", "U8", "[0]", 5, 0) + "}", 0), "z", "gap" },
        { "trailing data", Raw("{" + T("a", "F32", "[1]", 0, 4) + "}", 8), null, "trailing data" },
        { "metadata not strings", Raw("{\"__metadata__\":{\"k\":1}}", 0), null, "must be a string" },
        { "too many tensors", Raw(ManyTensors(SafeTensors.MaxTensors + 1), 0), null, "more than 10000 tensors" },
    };

    [Theory, MemberData(nameof(Hostile))]
    public void Read_HostileFile_FailsFastWithNamedError(string what, byte[] bytes, string? tensor, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"), "hostile.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensors.Read(path));
        // "Fast" is checked by what the refusal costs, not by the clock (wall-clock bounds flake on the
        // shared 2-core CI host): parsing costs a small multiple of the header; nothing may scale with what
        // the header claims.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (16L << 20) + 20L * bytes.Length, $"{what}: allocated too much before refusing");
        Assert.Equal(path, e.FilePath);
        Assert.StartsWith(path, e.Message);
        Assert.Equal(tensor, e.TensorName);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_ZeroLengthTensorsAndUnorderedHeader_AreAccepted()
    {
        // Offsets decide the layout, not the header order (older writers sorted by name only).
        var bytes = Raw("{" + T("b", "F32", "[1]", 4, 8) + "," + T("e", "U8", "[0]", 0, 0) + "," + T("a", "F32", "[1]", 0, 4) + "}    ", 8);
        var file = SafeTensors.Read(new MemoryStream(bytes), "mem");
        Assert.Equal(3, file.Tensors.Count);
        Assert.Equal([0L], file["e"].Shape.Select(d => (long)d));
    }
}
