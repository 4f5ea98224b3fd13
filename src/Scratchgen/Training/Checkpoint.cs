using System.Globalization;
using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// A run's checkpoint is two safetensors files in its folder, each written atomically:
/// <list type="bullet">
/// <item><c>model.safetensors</c>: the model's parameters and buffers under their PyTorch-style names
/// (readable by Python's safetensors and torch), with the metadata needed to rebuild the model;</item>
/// <item><c>training-state.safetensors</c>: optimizer moments, and in its metadata the step counts,
/// the model's Rng state and the data iterator's state, so a resumed run continues exactly.</item>
/// </list>
/// Both carry the global step; resuming refuses a pair whose steps differ (a crash between writes).
/// </summary>
public static class Checkpoint
{
    public const string ModelFile = "model.safetensors";
    public const string StateFile = "training-state.safetensors";
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static void Save(string dir, GenerativeModel model, BatchIterator data, int epoch, long step)
    {
        Directory.CreateDirectory(dir);
        var o = model.Options;
        var common = new Dictionary<string, string>
        {
            ["format"] = "scratchgen-checkpoint-1",
            ["step"] = step.ToString(Ci),
            ["epoch"] = epoch.ToString(Ci),
        };
        var state = new Dictionary<string, Tensor>();
        var stateMeta = new Dictionary<string, string>(common) { ["model.rng"] = Words(model.Rng.GetState()) };
        for (int i = 0; i < model.Optimizers.Count; i++)
        {
            var opt = model.Optimizers[i];
            stateMeta[$"optimizer.{i}.steps"] = opt.StepCount.ToString(Ci);
            foreach (var (name, t) in opt.State()) state[$"optimizer.{i}.{name}"] = t;
        }
        foreach (var (k, v) in data.ExportState().ToMetadata()) stateMeta[k] = v;
        SafeTensors.Write(Path.Combine(dir, StateFile), state, stateMeta);

        var modelMeta = new Dictionary<string, string>(common)
        {
            ["model"] = model.Kind,
            ["architecture"] = o.Architecture,
            ["latent_dim"] = o.LatentDim.ToString(Ci),
            ["image_shape"] = $"{o.Channels},{o.Height},{o.Width}",
            ["classes"] = o.Classes.ToString(Ci),
            ["seed"] = o.Seed.ToString(Ci),
            ["recipe"] = model.Recipe.ToString(),
            ["synthetic_data_generator"] = "Scratchgen",
        };
        SafeTensors.Write(Path.Combine(dir, ModelFile), model.StateDict().ToDictionary(p => p.Name, p => p.Tensor), modelMeta);
    }

    /// <summary>Copies the model file just saved to <c>epoch_NNN/model.safetensors</c> beside it, so each
    /// epoch's generator stays loadable (<see cref="LoadModel"/> takes that folder). Returns the folder.</summary>
    public static string KeepEpochSnapshot(string dir, int epoch)
    {
        string snapshot = EpochDir(dir, epoch);
        Directory.CreateDirectory(snapshot);
        var bytes = File.ReadAllBytes(Path.Combine(dir, ModelFile));
        AtomicFile.Write(Path.Combine(snapshot, ModelFile), s => s.Write(bytes));
        return snapshot;
    }

    /// <summary>The folder of an epoch's snapshot: checkpoint/epoch_NNN.</summary>
    public static string EpochDir(string dir, int epoch) => Path.Combine(dir, $"epoch_{epoch:D3}");

    /// <summary>SHA-256 (lower-case hex) of a checkpoint folder's model file: the hash that provenance records.</summary>
    public static string ModelSha256(string dir)
    {
        string path = Path.Combine(dir, ModelFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"no checkpoint in '{dir}': {ModelFile} is missing", path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Rebuilds the model a checkpoint folder holds (its kind and sizes come from the metadata) and loads its weights.</summary>
    public static GenerativeModel LoadModel(string dir, Backends.IBackend? backend = null)
    {
        string path = Path.Combine(dir, ModelFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"no checkpoint in '{dir}': {ModelFile} is missing", path);
        var file = SafeTensors.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{path}: metadata '{key}' is missing (not a Scratchgen checkpoint?)");
        var shape = Meta("image_shape").Split(',').Select(s => int.Parse(s, Ci)).ToArray();
        // A checkpoint written before recipes existed was trained with the textbook recipe.
        string recipe = file.Metadata.TryGetValue("recipe", out var r) ? r : Recipe.PlainName;
        var options = new ModelOptions(shape[0], shape[1], shape[2], int.Parse(Meta("classes"), Ci), int.Parse(Meta("latent_dim"), Ci),
            Architecture: Meta("architecture"), Seed: ulong.Parse(Meta("seed"), Ci), Backend: backend,
            Recipe: recipe.Length == 0 || recipe == Recipe.PlainName ? recipe : Recipe.PlainName + "," + recipe);
        var model = ModelFactory.Create(Meta("model"), options);
        model.LoadStateDict(ToHost(file, path), path);
        return model;
    }

    /// <summary>Transfer learning: copies a checkpoint's weights (parameters and buffers) into a freshly
    /// built model of the same kind and sizes; optimizer state, steps and data order start anew.
    /// Another kind, or a tensor of another shape, is refused with the tensor's name and both shapes.</summary>
    public static void LoadWeightsInto(string dir, GenerativeModel model)
    {
        string path = Path.Combine(dir, ModelFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"--init-from '{dir}': {ModelFile} is missing (expected a checkpoint folder such as runs/dcgan/checkpoint)", path);
        var file = SafeTensors.Read(path);
        string? kind = file.Metadata.GetValueOrDefault("model");
        if (kind != model.Kind) throw new InvalidDataException($"{path}: holds a '{kind}' model, not '{model.Kind}': --init-from needs the same model");
        model.LoadStateDict(ToHost(file, path), path);
    }

    /// <summary>Restores weights, optimizer moments and steps, the model's Rng and the data order into a
    /// freshly built model and iterator. Returns (epoch, step) to continue from.</summary>
    public static (int Epoch, long Step) Resume(string dir, GenerativeModel model, BatchIterator data)
    {
        string modelPath = Path.Combine(dir, ModelFile), statePath = Path.Combine(dir, StateFile);
        foreach (var p in new[] { modelPath, statePath })
            if (!File.Exists(p)) throw new FileNotFoundException($"cannot resume from '{dir}': {Path.GetFileName(p)} is missing", p);
        var modelFile = SafeTensors.Read(modelPath);
        var stateFile = SafeTensors.Read(statePath);
        if (modelFile.Metadata.GetValueOrDefault("model") != model.Kind)
            throw new InvalidDataException($"{modelPath}: holds a '{modelFile.Metadata.GetValueOrDefault("model")}' model, not '{model.Kind}'");
        if (modelFile.Metadata.GetValueOrDefault("step") != stateFile.Metadata.GetValueOrDefault("step"))
            throw new InvalidDataException($"{dir}: {ModelFile} (step {modelFile.Metadata.GetValueOrDefault("step")}) and {StateFile} (step {stateFile.Metadata.GetValueOrDefault("step")}) do not belong together");

        model.LoadStateDict(ToHost(modelFile, modelPath), modelPath);
        var state = ToHost(stateFile, statePath);
        for (int i = 0; i < model.Optimizers.Count; i++)
        {
            var opt = model.Optimizers[i];
            opt.StepCount = int.Parse(stateFile.Metadata[$"optimizer.{i}.steps"], Ci);
            foreach (var (name, t) in opt.State())
            {
                string key = $"optimizer.{i}.{name}";
                if (!state.TryGetValue(key, out var saved)) throw new InvalidDataException($"{statePath}: tensor '{key}' is missing");
                if (!Shapes.Equal(saved.Shape, t.Shape))
                    throw new InvalidDataException($"{statePath}: tensor '{key}' has shape {Shapes.Format(saved.Shape)}, expected {Shapes.Format(t.Shape)}");
                t.Backend.Copy(Tensor.FromArray(saved.Data, saved.Shape, t.Backend), t);
            }
        }
        model.Rng.SetState(ParseWords(stateFile.Metadata["model.rng"]));
        data.ImportState(BatchIteratorState.FromMetadata(stateFile.Metadata));
        return (int.Parse(stateFile.Metadata["epoch"], Ci), long.Parse(stateFile.Metadata["step"], Ci));
    }

    /// <summary>Every F32 tensor of a file as (values, shape) on the host, for LoadStateDict; other dtypes are refused by name.</summary>
    internal static Dictionary<string, (float[] Data, int[] Shape)> ToHost(SafeTensorsFile file, string path)
    {
        var result = new Dictionary<string, (float[], int[])>();
        foreach (var (name, entry) in file.Tensors)
        {
            if (entry.DType != SafeTensorDType.F32) throw new InvalidDataException($"{path}: tensor '{name}' is {entry.DType}, expected F32");
            result[name] = (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entry.Bytes).ToArray(), entry.Shape);
        }
        return result;
    }

    private static string Words(ulong[] words) => string.Join(',', words.Select(w => w.ToString("x16", Ci)));

    private static ulong[] ParseWords(string text) => text.Split(',').Select(w => ulong.Parse(w, NumberStyles.HexNumber, Ci)).ToArray();
}
