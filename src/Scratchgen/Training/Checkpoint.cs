using System.Globalization;
using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// A run's checkpoint is two safetensors files in its folder, written as one unit (<see cref="AtomicFileSet"/>):
/// <list type="bullet">
/// <item><c>model.safetensors</c>: the model's parameters and buffers under their PyTorch-style names
/// (readable by Python's safetensors and torch), with the metadata needed to rebuild the model;</item>
/// <item><c>training-state.safetensors</c>: optimizer moments, and in its metadata the step counts,
/// the model's Rng state, the data iterator's state and the options the run was started with, so a
/// resumed run continues exactly.</item>
/// </list>
/// A save interrupted at any moment leaves the old pair or the new one (<see cref="Recover"/> settles
/// which); both files carry the global step, and resuming also refuses a pair whose steps differ.
/// Reading (<see cref="LoadModel"/>, <see cref="Resume"/>) treats the files as untrusted input.
/// </summary>
public static partial class Checkpoint
{
    /// <summary>The file in a checkpoint folder that holds the model's parameters and buffers.</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>The file in a checkpoint folder that holds optimizer moments, step counts and random states.</summary>
    public const string StateFile = "training-state.safetensors";

    /// <summary>The format this version writes and reads ("format" in both files' metadata).</summary>
    public const string Format = "scratchgen-checkpoint-1";

    /// <summary>The prefix of the run's options in the training state's metadata.</summary>
    private const string RunOptionPrefix = "run.";

    // The pair in commit order: the model file last, so that it is the commit mark.
    private static readonly string[] Pair = [StateFile, ModelFile];

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>Saves the pair. <paramref name="runOptions"/> (option name to value) are the options the
    /// run was started with, for <see cref="ReadRunOptions"/>.</summary>
    public static void Save(string dir, GenerativeModel model, BatchIterator data, int epoch, long step,
        IReadOnlyDictionary<string, string>? runOptions = null)
    {
        var state = new Dictionary<string, TensorEntry>();
        var stateMeta = Common(epoch, step);
        stateMeta["model.rng"] = Words(model.Rng.GetState());
        for (int i = 0; i < model.Optimizers.Count; i++)
        {
            var opt = model.Optimizers[i];
            stateMeta[$"optimizer.{i}.steps"] = opt.StepCount.ToString(Ci);
            foreach (var (name, t) in opt.State()) state[$"optimizer.{i}.{name}"] = TensorEntry.FromTensor(t);
        }
        foreach (var (k, v) in data.ExportState().ToMetadata()) stateMeta[k] = v;
        foreach (var (k, v) in runOptions ?? new Dictionary<string, string>()) stateMeta[RunOptionPrefix + k] = v;

        AtomicFileSet.Write(dir,
        [
            (StateFile, s => SafeTensors.Serialize(s, state, stateMeta)),
            (ModelFile, s => WriteModelFile(s, model, epoch, step)),
        ]);
    }

    /// <summary>Writes the model file of a checkpoint (<see cref="ModelFile"/>): the model's parameters and
    /// buffers, and the metadata <see cref="ModelFrom"/> rebuilds it from.</summary>
    public static void WriteModelFile(Stream stream, GenerativeModel model, int epoch, long step)
    {
        var o = model.Options;
        var meta = Common(epoch, step);
        meta["model"] = model.Kind;
        meta["architecture"] = o.Architecture;
        meta["latent_dim"] = o.LatentDim.ToString(Ci);
        meta["image_shape"] = $"{o.Channels},{o.Height},{o.Width}";
        meta["classes"] = o.Classes.ToString(Ci);
        meta["seed"] = o.Seed.ToString(Ci);
        meta["recipe"] = model.Recipe.ToString();
        meta["synthetic_data_generator"] = "Scratchgen";
        SafeTensors.Serialize(stream, model.StateDict().ToDictionary(p => p.Name, p => TensorEntry.FromTensor(p.Tensor)), meta);
    }

    // What both files of a pair carry: the format, and the step and epoch that make them a pair.
    private static Dictionary<string, string> Common(int epoch, long step) => new()
    {
        ["format"] = Format,
        ["step"] = step.ToString(Ci),
        ["epoch"] = epoch.ToString(Ci),
    };

    /// <summary>Settles a save that a crash interrupted (see <see cref="AtomicFileSet"/>): returns what
    /// was done, or null when the folder held no interrupted save.</summary>
    public static string? Recover(string dir) => AtomicFileSet.Recover(dir, Pair);

    /// <summary>Copies the model file just saved to <c>epoch_NNN/model.safetensors</c> beside it, so each
    /// epoch's generator stays loadable (<see cref="LoadModel"/> takes that folder). Returns the folder.</summary>
    public static string KeepEpochSnapshot(string dir, int epoch)
    {
        string snapshot = EpochDir(dir, epoch);
        var bytes = File.ReadAllBytes(Path.Combine(dir, ModelFile));
        AtomicFile.Write(Path.Combine(snapshot, ModelFile), s => s.Write(bytes));
        return snapshot;
    }

    /// <summary>The folder of an epoch's snapshot: checkpoint/epoch_NNN.</summary>
    public static string EpochDir(string dir, int epoch) => Path.Combine(dir, $"epoch_{epoch:D3}");

    /// <summary>SHA-256 (lower-case hex) of a checkpoint folder's model file: the hash that provenance records.</summary>
    public static string ModelSha256(string dir)
    {
        using var stream = File.OpenRead(ExistingFile(dir, ModelFile));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private static string Words(ulong[] words) => string.Join(',', words.Select(w => w.ToString("x16", Ci)));
}
