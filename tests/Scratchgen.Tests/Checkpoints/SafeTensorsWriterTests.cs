using System.Text;
using Scratchgen.Backends;
using Scratchgen.Checkpoints;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Checkpoints;

public sealed class SafeTensorsWriterTests
{
    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    [Fact]
    public void Serialize_TwoTensorsWithMetadata_MatchesReferenceLayoutByteForByte()
    {
        var tensors = new Dictionary<string, TensorEntry>
        {
            ["b"] = TensorEntry.F32([1f, 2f], 2),
            ["a"] = TensorEntry.F32([3f], 1, 1),
        };
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        // 141 bytes of compact JSON, padded with 3 spaces to 144; "a" before "b"; metadata first.
        byte[] expected =
        [
            144, 0, 0, 0, 0, 0, 0, 0,
            .. Ascii("{\"__metadata__\":{\"format\":\"pt\"},"),
            .. Ascii("\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"),
            .. Ascii("\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"),
            32, 32, 32,
            0, 0, 64, 64,                // a = 3.0f
            0, 0, 128, 63, 0, 0, 0, 64,  // b = 1.0f, 2.0f
        ];
        Assert.Equal(expected, SafeTensors.Serialize(tensors, metadata));
    }

    [Fact]
    public void Serialize_MatchesTheReferenceImplementationsOwnTestVector()
    {
        // safetensors' Rust test_serialization: {"attn.0": F32 [1, 2, 3] = 0..5}, no metadata.
        var bytes = SafeTensors.Serialize(new Dictionary<string, TensorEntry> { ["attn.0"] = TensorEntry.F32([0, 1, 2, 3, 4, 5], 1, 2, 3) });
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, bytes);
        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32], SafeTensors.Serialize(new Dictionary<string, TensorEntry>()));
    }

    [Fact]
    public void Serialize_OrdersByAlignmentThenName_AndEscapesLikeSerdeJson()
    {
        var tensors = new Dictionary<string, TensorEntry>
        {
            ["u"] = TensorEntry.U8([7], 1),
            ["f"] = TensorEntry.F32([1f], 1),
            ["l"] = TensorEntry.I64([5L], 1),
            ["d\"\n\u0001é"] = TensorEntry.F64([2.0], 1),
        };
        var bytes = SafeTensors.Serialize(tensors);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));
        Assert.StartsWith("{\"l\":{\"dtype\":\"I64\"", header);
        int l = header.IndexOf("\"l\"", StringComparison.Ordinal), d = header.IndexOf("\"d\\\"\\n\\u0001é\"", StringComparison.Ordinal);
        int f = header.IndexOf("\"f\"", StringComparison.Ordinal), u = header.IndexOf("\"u\"", StringComparison.Ordinal);
        Assert.True(l < d && d < f && f < u, header);
        var back = SafeTensors.Read(new MemoryStream(bytes), "mem");
        Assert.Equal([2.0], back["d\"\n\u0001é"].ToFloat64());
        Assert.Equal([5L], back["l"].ToInt64());
        Assert.Equal([(byte)7], back["u"].ToUInt8());
    }

    [Fact]
    public void WriteRead_RoundTripsEveryDTypeTensorsAndMetadata()
    {
        var path = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"), "model.safetensors");
        var w = Tensor.RandN([3, 4], new Rng(5), backend: Backend.Cpu);
        SafeTensors.Write(path, new Dictionary<string, Tensor> { ["enc.w"] = w }, new Dictionary<string, string> { ["seed"] = "5" });
        var file = SafeTensors.Read(path);
        Assert.Equal(w.ToArray(), file.Expect("enc.w", SafeTensorDType.F32, [3, 4]).ToFloat32());
        Assert.Equal(w.ToArray(), file["enc.w"].ToTensor(Backend.Cpu).ToArray());
        Assert.Equal("5", file.Metadata["seed"]);

        var entries = new Dictionary<string, TensorEntry>
        {
            ["f64"] = TensorEntry.F64([1.5, -2.25], 2),
            ["i32"] = TensorEntry.I32([1, -2, 3], 3),
            ["i64"] = TensorEntry.I64([long.MaxValue], 1),
            ["u8"] = TensorEntry.U8([0, 255], 2, 1),
            ["scalar"] = TensorEntry.F32([4f]),
            ["empty"] = TensorEntry.F32([], 0, 3),
        };
        SafeTensors.Write(path, entries);
        var back = SafeTensors.Read(path);
        Assert.Equal(6, back.Tensors.Count);
        Assert.Empty(back.Metadata);
        Assert.Equal([1.5, -2.25], back["f64"].ToFloat64());
        Assert.Equal([1, -2, 3], back["i32"].ToInt32());
        Assert.Equal([long.MaxValue], back["i64"].ToInt64());
        Assert.Equal([2, 1], back["u8"].Shape);
        Assert.Empty(back["scalar"].Shape);
        Assert.Equal([0, 3], back["empty"].Shape);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!)); // no temp files left behind
    }

    [Fact]
    public void Expect_WrongShape_NamesTheTensorAndBothShapes()
    {
        var file = SafeTensors.Read(new MemoryStream(SafeTensors.Serialize(new Dictionary<string, TensorEntry> { ["fc.w"] = TensorEntry.F32(new float[6], 2, 3) })), "ckpt");
        var e = Assert.Throws<CheckpointFormatException>(() => file.Expect("fc.w", SafeTensorDType.F32, [3, 2]));
        Assert.Equal("fc.w", e.TensorName);
        Assert.Contains("[3, 2]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Equal("fc.b", Assert.Throws<CheckpointFormatException>(() => file["fc.b"]).TensorName);
    }

    [Fact]
    public void Write_FailingMidway_LeavesThePreviousFileIntact()
    {
        var path = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"), "ckpt.safetensors");
        SafeTensors.Write(path, new Dictionary<string, TensorEntry> { ["x"] = TensorEntry.F32([1f], 1) });
        var before = File.ReadAllBytes(path);
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new InvalidOperationException("simulated crash");
        }));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
