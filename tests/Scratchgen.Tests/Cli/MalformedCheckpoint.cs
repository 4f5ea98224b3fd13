using Scratchgen.Checkpoints;
using Scratchgen.Tests.Checkpoints;

namespace Scratchgen.Tests.Cli;

/// <summary>One way a checkpoint file can be wrong: what replaces the file, and a fragment of the
/// message that must name the problem.</summary>
internal sealed record MalformedCheckpoint(string Name, Func<byte[], byte[]> Corrupt, string Expected)
{
    /// <summary>Every file the safetensors parser refuses (the reader's own hostile-input table).</summary>
    public static IEnumerable<MalformedCheckpoint> Unparseable() =>
        SafeTensorsReaderTests.Hostile().Select(row => new MalformedCheckpoint((string)row[0], _ => (byte[])row[1], (string)row[3]));

    /// <summary>Well-formed safetensors that are not a checkpoint this model file can be loaded from.</summary>
    public static IEnumerable<MalformedCheckpoint> BadModelFiles() =>
    [
        new("not a Scratchgen checkpoint", good => Edit(good, meta: m => m.Remove("format")), "no 'format' entry"),
        AnotherVersion,
        new("unknown model kind", good => Edit(good, meta: m => m["model"] = "vae9"), "metadata 'model' is 'vae9': expected one of"),
        new("latent size out of range", good => Edit(good, meta: m => m["latent_dim"] = "99999999"), "metadata 'latent_dim' is '99999999': expected an integer from 1 to 4096"),
        new("image shape unreadable", good => Edit(good, meta: m => m["image_shape"] = "1,28"), "metadata 'image_shape' is '1,28'"),
        AnotherShape,
        new("a tensor missing", good => Edit(good, tensors: t => t.Remove(t.Keys.Order(StringComparer.Ordinal).First())), "not in the file"),
        new("a tensor too many", good => Edit(good, tensors: t => t["surprise"] = TensorEntry.F32([1f], 1)), "does not have: surprise"),
        new("a tensor of float64", good => Edit(good, tensors: t =>
        {
            string name = t.Keys.Order(StringComparer.Ordinal).First();
            t[name] = new TensorEntry(SafeTensorDType.F64, t[name].Shape, new byte[2 * t[name].Bytes.Length]);
        }), "expected F32"),
    ];

    /// <summary>Well-formed safetensors that are not a training state this run can resume from.</summary>
    public static IEnumerable<MalformedCheckpoint> BadStateFiles() =>
    [
        AnotherVersion,
        new("rng state unreadable", good => Edit(good, meta: m => m["model.rng"] = "zz"), "metadata 'model.rng' is 'zz'"),
        new("step of another save", good => Edit(good, meta: m => m["step"] = "99"), "do not belong together"),
        new("optimizer moment of another size", good => Edit(good, tensors: t =>
        {
            string name = t.Keys.Order(StringComparer.Ordinal).First();
            t[name] = TensorEntry.F32(new float[3], 3);
        }), "the file holds F32 [3]"),
    ];

    /// <summary>Format version 2: a checkpoint of another version of Scratchgen.</summary>
    public static MalformedCheckpoint AnotherVersion { get; } =
        new("another format version", good => Edit(good, meta: m => m["format"] = "scratchgen-checkpoint-2"), "written by another version of Scratchgen");

    /// <summary>One weight of another shape (a model of another size).</summary>
    public static MalformedCheckpoint AnotherShape { get; } = new("a tensor of another shape", good => Edit(good, tensors: t =>
    {
        string name = t.Keys.Order(StringComparer.Ordinal).First();
        int n = t[name].Shape.Aggregate(1, (a, b) => a * b);
        t[name] = TensorEntry.F32(new float[n + 1], n + 1);
    }), "the file holds F32 [");

    /// <summary>A header length of 2^64 - 1: refused by the parser before anything is read.</summary>
    public static MalformedCheckpoint Unparseable2To64 { get; } = Unparseable().Single(m => m.Name == "header length 2^64-1");

    // The good file with its metadata and tensors edited, written back as valid safetensors.
    private static byte[] Edit(byte[] good, Action<Dictionary<string, string>>? meta = null, Action<Dictionary<string, TensorEntry>>? tensors = null)
    {
        var file = SafeTensors.Read(new MemoryStream(good), "good");
        var m = new Dictionary<string, string>(file.Metadata);
        var t = new Dictionary<string, TensorEntry>(file.Tensors);
        meta?.Invoke(m);
        tensors?.Invoke(t);
        return SafeTensors.Serialize(t, m);
    }
}
