using Scratchgen.Checkpoints;

namespace Scratchgen.Tests.Checkpoints;

/// <summary>Skips, with the reason, unless /usr/bin/python3 can import torch (Debian's python3-torch).</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public static readonly bool Available = File.Exists(PythonSafeTensors.Python) && PythonSafeTensors.Run("import torch", out _) == 0;

    public TorchFactAttribute()
    {
        if (!Available) Skip = "/usr/bin/python3 cannot import torch (apt-get install python3-torch)";
    }
}

/// <summary>Without Python's safetensors package (Debian 12 has none), PyTorch users load our files with
/// a few lines of json + torch.frombuffer. This checks that such a loader reads our weights, and that a
/// Python writer following the format's documented rules produces our bytes exactly.</summary>
public sealed class TorchSafeTensorsTests
{
    private const string Script = """
import json, struct, sys, torch
path, out = sys.argv[1], sys.argv[2]
raw = open(path, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
assert n % 8 == 0, n
header = json.loads(raw[8:8 + n].decode('utf-8'))
meta = header.pop('__metadata__', None)
types = {'F32': torch.float32, 'F64': torch.float64, 'I64': torch.int64, 'I32': torch.int32, 'U8': torch.uint8}
data = raw[8 + n:]
tensors = {k: torch.frombuffer(bytearray(data[v['data_offsets'][0]:v['data_offsets'][1]]), dtype=types[v['dtype']]).reshape(v['shape'])
           for k, v in header.items()}
assert tensors['w'].tolist() == [[1.0, -2.0, 3.5], [0.25, 5.0, 6.0]], tensors['w']
assert tensors['step'].tolist() == [42] and tensors['d'].tolist() == [0.5, -1.0]
assert meta == {'format': 'pt', 'seed': '7'}, meta
# Write back by the reference writer's rules: larger alignment first, then name; metadata first.
rank = {'U8': 1, 'I32': 9, 'F32': 11, 'F64': 12, 'I64': 13}
order = sorted(header, key=lambda k: (-rank[header[k]['dtype']], k.encode('utf-8')))
entries, blobs, offset = {'__metadata__': dict(sorted(meta.items()))}, [], 0
for k in order:
    b = tensors[k].contiguous().numpy().tobytes()
    entries[k] = {'dtype': header[k]['dtype'], 'shape': list(tensors[k].shape), 'data_offsets': [offset, offset + len(b)]}
    offset += len(b)
    blobs.append(b)
h = json.dumps(entries, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
h += b' ' * ((8 - len(h) % 8) % 8)
open(out, 'wb').write(struct.pack('<Q', len(h)) + h + b''.join(blobs))
""";

    [TorchFact]
    public void TorchLoaderReadsOurFile_AndAPythonWriterReproducesOurBytes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"));
        var ours = Path.Combine(dir, "ours.safetensors");
        var theirs = Path.Combine(dir, "theirs.safetensors");
        var script = Path.Combine(dir, "roundtrip.py");
        SafeTensors.Write(ours, new Dictionary<string, TensorEntry>
        {
            ["w"] = TensorEntry.F32([1f, -2f, 3.5f, 0.25f, 5f, 6f], 2, 3),
            ["step"] = TensorEntry.I64([42L], 1),
            ["d"] = TensorEntry.F64([0.5, -1.0], 2),
        }, new Dictionary<string, string> { ["seed"] = "7", ["format"] = "pt" });
        File.WriteAllText(script, Script);
        int rc = PythonSafeTensors.Run($"import runpy, sys; sys.argv = [{Quote(script)}, {Quote(ours)}, {Quote(theirs)}]; runpy.run_path({Quote(script)}, run_name='__main__')", out var output);
        Assert.True(rc == 0, output);
        Assert.Equal(File.ReadAllBytes(ours), File.ReadAllBytes(theirs));
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
