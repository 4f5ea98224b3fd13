using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

// Reading a checkpoint: every problem with the files (the format, a metadata entry, a tensor that does
// not fit, another model or format version) is a CheckpointFormatException naming the file and what was
// expected; a missing file or folder is a FileNotFoundException naming it.
public static partial class Checkpoint
{
    /// <summary>The architectures a checkpoint may name.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["mlp", "conv"];

    /// <summary>Rebuilds the model a checkpoint folder holds (its kind and sizes come from the metadata) and loads its weights.</summary>
    public static GenerativeModel LoadModel(string dir, Backends.IBackend? backend = null) =>
        ModelFrom(SafeTensors.Read(ExistingFile(dir, ModelFile)), backend);

    /// <summary>The model a parsed model file describes, with its weights: its metadata checked (format,
    /// kind, sizes within <see cref="ModelLimits"/>) before anything is built, and every tensor checked
    /// against the model's before any is copied.</summary>
    public static GenerativeModel ModelFrom(SafeTensorsFile file, Backends.IBackend? backend = null)
    {
        var meta = new CheckpointMetadata(file);
        CheckFormat(meta);
        string kind = meta.OneOf("model", ModelFactory.Names);
        string architecture = meta.OneOf("architecture", Architectures);
        var shape = meta.Ints("image_shape", 3, 1, ModelLimits.MaxSide);
        int classes = meta.Int("classes", 1, ModelLimits.MaxClasses);
        int latent = meta.Int("latent_dim", 1, ModelLimits.MaxLatentDim);
        if (ModelLimits.Check(shape[0], shape[1], shape[2], classes, latent) is string problem)
            throw meta.Fail($"describes a model of {problem}");
        // A checkpoint written before recipes existed was trained with the textbook recipe.
        string recipe = meta.Optional("recipe") ?? Recipe.PlainName;
        var options = new ModelOptions(shape[0], shape[1], shape[2], classes, latent, Architecture: architecture, Seed: meta.ULong("seed"),
            Backend: backend, Recipe: recipe.Length == 0 || recipe == Recipe.PlainName ? recipe : Recipe.PlainName + "," + recipe);
        GenerativeModel model;
        try { model = ModelFactory.Create(kind, options); }
        catch (ArgumentException e) { throw meta.Fail($"describes a {kind} that cannot be built: {e.Message}", e); }
        LoadWeights(model, file);
        return model;
    }

    /// <summary>Transfer learning: copies a checkpoint's weights (parameters and buffers) into a freshly
    /// built model of the same kind and sizes; optimizer state, steps and data order start anew.
    /// Another kind, or a tensor of another shape, is refused with the tensor's name and both shapes.</summary>
    public static void LoadWeightsInto(string dir, GenerativeModel model)
    {
        var file = SafeTensors.Read(ExistingFile(dir, ModelFile));
        var meta = new CheckpointMetadata(file);
        CheckFormat(meta);
        CheckKind(meta, model);
        LoadWeights(model, file);
    }

    /// <summary>Restores weights, optimizer moments and steps, the model's Rng and the data order into a
    /// freshly built model and iterator, after settling an interrupted save (<see cref="Recover"/>).
    /// Returns (epoch, step) to continue from.</summary>
    public static (int Epoch, long Step) Resume(string dir, GenerativeModel model, BatchIterator data)
    {
        Recover(dir);
        var modelFile = SafeTensors.Read(ExistingFile(dir, ModelFile));
        var stateFile = SafeTensors.Read(ExistingFile(dir, StateFile));
        CheckpointMetadata modelMeta = new(modelFile), stateMeta = new(stateFile);
        CheckFormat(modelMeta);
        CheckFormat(stateMeta);
        CheckKind(modelMeta, model);
        long step = stateMeta.Long("step", 0, long.MaxValue);
        if (modelMeta.Long("step", 0, long.MaxValue) != step)
            throw new CheckpointFormatException(dir, null, $"{ModelFile} (step {modelMeta.Text("step")}) and {StateFile} (step {step}) do not belong together");
        int epoch = stateMeta.Int("epoch", 0, int.MaxValue);

        var optimizerState = model.Optimizers.SelectMany((opt, i) => opt.State().Select(s => (Key: $"optimizer.{i}.{s.Name}", s.Tensor))).ToList();
        CheckTensors(stateFile, optimizerState, "this run's optimizers");
        var steps = model.Optimizers.Select((_, i) => stateMeta.Int($"optimizer.{i}.steps", 0, int.MaxValue)).ToList();
        var rng = stateMeta.HexWords("model.rng", model.Rng.GetState().Length);
        BatchIteratorState order;
        try { order = BatchIteratorState.FromMetadata(stateFile.Metadata); }
        catch (FormatException e) { throw stateMeta.Fail($"the data order is unreadable: {e.Message}", e); }

        LoadWeights(model, modelFile);
        var host = ToHost(stateFile, stateFile.Path);
        foreach (var (key, t) in optimizerState) t.Backend.Copy(Tensor.FromArray(host[key].Data, host[key].Shape, t.Backend), t);
        for (int i = 0; i < steps.Count; i++) model.Optimizers[i].StepCount = steps[i];
        model.Rng.SetState(rng);
        try { data.ImportState(order); }
        catch (ArgumentException e) { throw stateMeta.Fail($"its data order does not fit this run's training split: {e.Message}", e); }
        return (epoch, step);
    }

    /// <summary>The options the run in a checkpoint folder was started with (see <see cref="Save"/>);
    /// empty for a checkpoint written before they were stored.</summary>
    public static IReadOnlyDictionary<string, string> ReadRunOptions(string dir)
    {
        var meta = SafeTensors.Read(ExistingFile(dir, StateFile)).Metadata;
        return meta.Where(kv => kv.Key.StartsWith(RunOptionPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[RunOptionPrefix.Length..], kv => kv.Value);
    }

    /// <summary>Every F32 tensor of a file as (values, shape) on the host, for LoadStateDict; other dtypes are refused by name.</summary>
    internal static Dictionary<string, (float[] Data, int[] Shape)> ToHost(SafeTensorsFile file, string path)
    {
        var result = new Dictionary<string, (float[], int[])>();
        foreach (var (name, entry) in file.Tensors)
        {
            if (entry.DType != SafeTensorDType.F32) throw new CheckpointFormatException(path, name, $"is {entry.DType}, expected F32");
            result[name] = (System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(entry.Bytes).ToArray(), entry.Shape);
        }
        return result;
    }

    // The model's parameters and buffers from the file, every one checked (name, F32, shape) before any is copied.
    private static void LoadWeights(GenerativeModel model, SafeTensorsFile file)
    {
        CheckTensors(file, model.StateDict(), $"this {model.Kind}");
        model.LoadStateDict(ToHost(file, file.Path), file.Path);
    }

    private static void CheckTensors(SafeTensorsFile file, IReadOnlyList<(string Name, Tensor Tensor)> expected, string owner)
    {
        foreach (var (name, t) in expected) file.Expect(name, SafeTensorDType.F32, t.Shape);
        var known = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var extra = file.Tensors.Keys.Where(k => !known.Contains(k)).ToList();
        if (extra.Count > 0)
            throw new CheckpointFormatException(file.Path, null, $"holds tensors {owner} does not have: {string.Join(", ", extra.Take(5))}{(extra.Count > 5 ? ", ..." : "")}");
    }

    private static void CheckFormat(CheckpointMetadata meta)
    {
        string? format = meta.Optional("format");
        if (format == null) throw meta.Fail("is not a Scratchgen checkpoint: its metadata has no 'format' entry");
        if (format != Format)
            throw meta.Fail("format", $"is '{format}': written by another version of Scratchgen, this one reads '{Format}'");
    }

    private static void CheckKind(CheckpointMetadata meta, GenerativeModel model)
    {
        string kind = meta.Text("model");
        if (kind != model.Kind) throw meta.Fail($"holds a '{kind}' model, not the '{model.Kind}' this run trains");
    }

    // A checkpoint folder's file, or a FileNotFoundException naming the folder and the file.
    private static string ExistingFile(string dir, string name)
    {
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException(File.Exists(dir)
                ? $"'{dir}' is a file: expected a checkpoint folder (the one holding {ModelFile}, e.g. runs/dcgan/checkpoint)"
                : $"'{dir}': no such checkpoint folder");
        string path = Path.Combine(dir, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"no checkpoint in '{dir}': {name} is missing", path);
    }
}
