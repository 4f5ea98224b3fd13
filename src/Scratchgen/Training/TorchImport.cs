using System.Runtime.InteropServices;
using Scratchgen.Checkpoints;
using Scratchgen.Models;

namespace Scratchgen.Training;

/// <summary>What <see cref="TorchImport.Import"/> built, and what it did on the way.</summary>
/// <param name="Model">The model, its weights those of the PyTorch state dict.</param>
/// <param name="Names">Each of the model's tensors with the PyTorch tensor it came from (ours, theirs).</param>
/// <param name="Notes">What was converted or skipped (dtype conversions, PyTorch-only counters, layouts), one line each.</param>
public sealed record TorchImportResult(GenerativeModel Model, IReadOnlyList<(string Ours, string Theirs)> Names, IReadOnlyList<string> Notes);

/// <summary>
/// Weights in from PyTorch: a state dict saved with safetensors (<c>safetensors.torch.save_file(model.state_dict(), path)</c>)
/// becomes a Scratchgen model. Names are mapped by dotted prefix (<c>fc1=encoder.0</c> renames fc1.weight
/// to encoder.0.weight; the longest matching prefix wins; a name no rule matches is kept), and every tensor
/// is checked before any is copied: each of the model's tensors must get exactly one, of its shape, and every
/// tensor of the file must land somewhere. Each refusal names the tensor. Layouts need no conversion:
/// Linear (out, in), Conv2d (out, in, kH, kW), ConvTranspose2d (in, out, kH, kW), BatchNorm's affine
/// parameters and running statistics (the running variance unbiased, as PyTorch keeps it) and Embedding
/// (count, dim) are stored as PyTorch stores them.
/// </summary>
public static class TorchImport
{
    // The bench/peers/torch_models.py twins: their module names to ours. Only the VAE is an exact twin: the
    // AE there applies a ReLU to its code, which Scratchgen's AE does not, and the GAN there is the plain
    // recipe's, so a built-in mapping for either would load weights into a network that computes otherwise.
    private static readonly Dictionary<string, IReadOnlyDictionary<string, string>> Twins = new()
    {
        ["vae"] = new Dictionary<string, string> { ["fc1"] = "encoder.0", ["mu"] = "mu", ["logvar"] = "logvar", ["fc3"] = "decoder.0", ["fc4"] = "decoder.2" },
    };

    /// <summary>The models with a built-in name mapping (that of the PyTorch twins in bench/peers/torch_models.py).</summary>
    public static IReadOnlyCollection<string> ModelsWithBuiltInMap => Twins.Keys;

    /// <summary>The built-in mapping from the PyTorch twin's names to the model's, or an empty one (names kept as they are).</summary>
    public static IReadOnlyDictionary<string, string> BuiltInMap(string kind) =>
        Twins.TryGetValue(kind, out var map) ? map : new Dictionary<string, string>();

    /// <summary>Parses <c>THEIRS=OURS</c> rules separated by commas or new lines (blank lines and lines
    /// starting with # are skipped); a rule without '=' or with an empty side throws, naming it.</summary>
    public static IReadOnlyDictionary<string, string> ParseMap(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split([',', '\n']))
        {
            var rule = raw.Trim();
            if (rule.Length == 0 || rule.StartsWith('#')) continue;
            var parts = rule.Split('=');
            if (parts.Length != 2 || parts[0].Trim().Length == 0 || parts[1].Trim().Length == 0)
                throw new ArgumentException($"name mapping '{rule}': expected THEIRS=OURS, e.g. fc1=encoder.0");
            if (!map.TryAdd(parts[0].Trim(), parts[1].Trim()))
                throw new ArgumentException($"name mapping: '{parts[0].Trim()}' is mapped twice");
        }
        return map;
    }

    /// <summary>Renames one PyTorch tensor name by the longest matching rule (a rule matches the whole
    /// name or a prefix ending at a dot); a name no rule matches is returned unchanged.</summary>
    public static string MapName(string theirs, IReadOnlyDictionary<string, string> map)
    {
        string? best = null;
        foreach (var from in map.Keys)
            if ((theirs == from || theirs.StartsWith(from + ".", StringComparison.Ordinal)) && (best == null || from.Length > best.Length))
                best = from;
        return best == null ? theirs : map[best] + theirs[best.Length..];
    }

    /// <summary>Builds a <paramref name="kind"/> model (vae, ae, gan, dcgan...: <see cref="ModelFactory.Names"/>)
    /// from <paramref name="options"/> (default: 1x28x28 images and the model's default latent width) and
    /// loads the PyTorch state dict in <paramref name="path"/> into it, names mapped by <paramref name="map"/>
    /// (null: the built-in one for the model). Throws <see cref="CheckpointFormatException"/> naming the
    /// tensor for a missing, unexpected, duplicated, misshapen or non-float tensor.</summary>
    public static TorchImportResult Import(string path, string kind, IReadOnlyDictionary<string, string>? map = null, ModelOptions? options = null)
    {
        map ??= BuiltInMap(kind);
        options ??= new ModelOptions(LatentDim: ModelFactory.DefaultLatentDim(kind));
        var file = SafeTensors.Read(path);
        var model = ModelFactory.Create(kind, options);
        var notes = new List<string>();
        var byOurName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var theirs in file.Tensors.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (theirs.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
            {
                notes.Add($"skipped {theirs}: PyTorch's count of batch-norm updates, which Scratchgen does not keep");
                continue;
            }
            var ours = MapName(theirs, map);
            if (byOurName.TryGetValue(ours, out var other))
                throw new CheckpointFormatException(path, theirs, $"maps to '{ours}', as '{other}' does: two tensors for one place");
            byOurName[ours] = theirs;
        }

        var state = model.StateDict();
        var known = state.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var unplaced = byOurName.Where(p => !known.Contains(p.Key)).Select(p => p.Value == p.Key ? p.Value : $"{p.Value} (as {p.Key})").ToList();
        if (unplaced.Count > 0)
            throw new CheckpointFormatException(path, null, $"holds tensors this {kind} has no place for: {string.Join(", ", unplaced.Take(6))}"
                + $"{(unplaced.Count > 6 ? ", ..." : "")}. The {kind}'s tensors are {string.Join(", ", state.Select(s => s.Name).Take(8))}"
                + $"{(state.Count > 8 ? ", ..." : "")}: map names with --map THEIRS=OURS");

        var loaded = new Dictionary<string, (float[] Data, int[] Shape)>(StringComparer.Ordinal);
        var names = new List<(string, string)>();
        foreach (var (ours, tensor) in state)
        {
            if (!byOurName.TryGetValue(ours, out var theirs))
                throw new CheckpointFormatException(path, null, $"has no tensor for this {kind}'s '{ours}' {Tensors.Shapes.Format(tensor.Shape)}: map one to it with --map THEIRS={ours}");
            var entry = file.Tensors[theirs];
            if (!entry.Shape.AsSpan().SequenceEqual(tensor.Shape))
                throw new CheckpointFormatException(path, theirs, $"has shape {Tensors.Shapes.Format(entry.Shape)}, but this {kind}'s '{ours}' is {Tensors.Shapes.Format(tensor.Shape)}");
            loaded[ours] = (ToFloat32(path, theirs, entry, notes), entry.Shape);
            names.Add((ours, theirs));
        }
        model.LoadStateDict(loaded, path);
        notes.Add($"layouts: every tensor is laid out as in PyTorch (Linear, Conv2d, ConvTranspose2d, BatchNorm, Embedding); nothing converted");
        return new TorchImportResult(model, names, notes);
    }

    /// <summary>Writes <paramref name="model"/> as a checkpoint folder holding <see cref="Checkpoint.ModelFile"/>
    /// (step 0), which <see cref="Checkpoint.LoadModel"/> and the CLI's sample, eval and reconstruct read.</summary>
    public static void WriteCheckpoint(string dir, GenerativeModel model)
    {
        Directory.CreateDirectory(dir);
        AtomicFile.Write(Path.Combine(dir, Checkpoint.ModelFile), s => Checkpoint.WriteModelFile(s, model, epoch: 0, step: 0));
    }

    private static float[] ToFloat32(string path, string name, TensorEntry entry, List<string> notes)
    {
        switch (entry.DType)
        {
            case SafeTensorDType.F32:
                return MemoryMarshal.Cast<byte, float>(entry.Bytes).ToArray();
            case SafeTensorDType.F64:
                notes.Add($"converted {name} from float64 to float32");
                return entry.ToFloat64().Select(v => (float)v).ToArray();
            default:
                throw new CheckpointFormatException(path, name, $"is {entry.DType}: weights must be F32 or F64 (save the model in float32: model.float())");
        }
    }
}
