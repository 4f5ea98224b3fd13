using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Scratchgen.Data;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// One training run: the loop every model shares. Per step it calls the model's TrainStep (the model
/// owns its losses and optimizers); per epoch it evaluates on the held-out split, writes the run's
/// pictures (<see cref="RunPictures"/>), appends a line to metrics.jsonl and saves a checkpoint.
/// A cancellation request finishes the current step, saves and returns.
/// </summary>
public sealed class TrainingRun
{
    private readonly TrainConfig _config;
    private readonly ITrainingObserver _observer;

    /// <summary>A run of <paramref name="config"/> on <paramref name="data"/> (split into train and held-out sets), reporting to <paramref name="observer"/>; builds the model, data iterator and pictures, and throws ArgumentException for settings that cannot run.</summary>
    public TrainingRun(TrainConfig config, Dataset data, ITrainingObserver? observer = null)
    {
        if (config.Epochs < 1) throw new ArgumentException($"--epochs must be at least 1, got {config.Epochs}");
        if (config.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {config.BatchSize}");
        if (config.MaxSteps is < 1) throw new ArgumentException($"--max-steps must be at least 1, got {config.MaxSteps}");
        _config = config;
        _observer = observer ?? new SilentObserver();
        if (config.Limit is int limit)
        {
            if (limit < 2) throw new ArgumentException($"--limit must be at least 2, got {limit}");
            data = data.Slice(0, Math.Min(limit, data.Count));
        }
        var latent = config.LatentDim ?? ModelFactory.DefaultLatentDim(config.Model);
        if (ModelLimits.Check(data.Channels, data.Height, data.Width, Math.Max(data.ClassCount, 1), latent) is string tooLarge)
            throw new ArgumentException($"cannot build a {config.Model} for {tooLarge} (data '{data.Name}', --latent-dim {latent})");
        int trainCount = config.TrainCount ?? (int)(data.Count * 0.9);
        if (trainCount < 1 || trainCount >= data.Count)
            throw new ArgumentException($"the train split ({trainCount}) must leave at least one of the {data.Count} images for testing");
        (Train, Test) = data.Split(trainCount);
        var options = new ModelOptions(data.Channels, data.Height, data.Width, Math.Max(data.ClassCount, 1), latent,
            config.LearningRate, config.Architecture, config.Seed, config.Backend, config.Recipe);
        Model = ModelFactory.Create(config.Model, options);
        foreach (var (name, p) in Model.NamedParameters()) p.Name = name; // full dotted names in messages
        Batches = new BatchIterator(Train, config.BatchSize, new Rng(config.Seed + 101), config.Backend,
            scaleToSymmetric: Model.Range == PixelRange.MinusOneToOne);
        Pictures = new RunPictures(config.OutDir, Model, Test, config.Seed);
        if (Model is GanBase gan) _ganWatch = new GanWatch(gan, config.Seed);
    }

    private readonly GanWatch? _ganWatch;
    private readonly List<string> _epochWarnings = [];

    /// <summary>Every warning the run raised (GAN collapse), in order.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>The images trained on.</summary>
    public Dataset Train { get; }
    /// <summary>The held-out images the per-epoch test losses come from.</summary>
    public Dataset Test { get; }
    /// <summary>The model being trained.</summary>
    public GenerativeModel Model { get; }
    /// <summary>The iterator over <see cref="Train"/>.</summary>
    public BatchIterator Batches { get; }
    /// <summary>The pictures written to the run folder each epoch.</summary>
    public RunPictures Pictures { get; }

    /// <summary>Epoch and global step to start from (0 for a new run; set by <see cref="ResumeFrom"/>).</summary>
    public (int Epoch, long Step) Start { get; private set; }

    /// <summary>The folder the run's checkpoint is written to: OutDir/checkpoint.</summary>
    public string CheckpointDir => Path.Combine(_config.OutDir, "checkpoint");

    /// <summary>Continues a run from a checkpoint folder written by an earlier run. The folder's run (its
    /// parent) is locked while it is read, since settling an interrupted save writes to it.</summary>
    public void ResumeFrom(string dir)
    {
        using var folderLock = RunFolderLock.Acquire(RunFolderOf(dir), _observer.OnMessage);
        if (Checkpoint.Recover(dir) is string recovered) _observer.OnMessage(recovered);
        Start = Checkpoint.Resume(dir, Model, Batches);
    }

    /// <summary>The run folder a checkpoint folder belongs to (runs/dcgan for runs/dcgan/checkpoint).</summary>
    public static string RunFolderOf(string checkpointDir) =>
        Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(checkpointDir))) ?? ".";

    /// <summary>True when the last <see cref="Run"/> stopped at <see cref="TrainConfig.MaxSteps"/>.</summary>
    public bool StoppedAtMaxSteps { get; private set; }

    /// <summary>Trains until the configured epoch count, the step limit or cancellation. Returns every epoch's result.
    /// The output folder is locked for the run (<see cref="RunFolderLock"/>). A run that ends badly
    /// (<see cref="RunHealth.CheckEnd"/>) throws <see cref="Autograd.NonFiniteException"/> after writing its pictures.</summary>
    public IReadOnlyList<EpochResult> Run(CancellationToken cancel = default)
    {
        using var folderLock = RunFolderLock.Acquire(_config.OutDir, _observer.OnMessage);
        var results = new List<EpochResult>();
        IReadOnlyDictionary<string, double>? lastLosses = null;
        Model.PlanSteps((long)_config.Epochs * Batches.BatchesPerEpoch);
        long step = Start.Step;
        bool Stop() => cancel.IsCancellationRequested || (StoppedAtMaxSteps = step >= _config.MaxSteps);
        for (int epoch = Start.Epoch; epoch < _config.Epochs && !Stop(); epoch++)
        {
            var sums = new Dictionary<string, (double Sum, int Count)>();
            var clock = Stopwatch.StartNew();
            int images = 0, stepsPerEpoch = Batches.BatchesPerEpoch;
            // One step's tensors (its batch included) live in a memory scope: what the model does not
            // keep goes back to the backend's pool for the next step (MemoryScope.PerItem). A step's
            // scope ends when the next batch is asked for, so the whole body below may read its tensors.
            foreach (var batch in MemoryScope.PerItem(IdleMemory.ReleasedOnSizeChange(BatchesUntil(Stop), b => b.Size, Model.Options.ResolvedBackend), Model.PersistentTensors))
            {
                var losses = Model.TrainStep(batch.Images, batch.Labels);
                step++;
                lastLosses = losses;
                var warnings = _ganWatch?.Observe(step, batch.Images, losses).ToList() ?? [];
                GuardNumerics(step, losses);
                foreach (var warning in warnings) Warn(warning);
                Pictures.RecordStep(losses);
                images += batch.Size;
                foreach (var (k, v) in losses) sums[k] = sums.TryGetValue(k, out var s) ? (s.Sum + v, s.Count + 1) : (v, 1);
                _observer.OnStep(epoch, (Batches.Position + Batches.BatchSize - 1) / Batches.BatchSize, stepsPerEpoch, losses);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            // Evaluation and the pictures ask for tensors of lengths of their own: each phase starts
            // with the previous one's idle arrays handed back (IdleMemory).
            IdleMemory.Release(Model.Options.ResolvedBackend);
            bool finished = Batches.IsEpochDone;
            int savedEpoch = finished ? epoch + 1 : epoch;
            var result = new EpochResult(epoch + 1, step, sums.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count),
                Evaluate(), images / Math.Max(seconds, 1e-9), seconds);
            results.Add(result);
            if (RunHealth.FirstNonFiniteWeight(Model) is string badWeight)
                throw new Autograd.NonFiniteException($"training failed in epoch {epoch + 1} (step {step}): {badWeight}; not saved, " +
                    $"so {CheckpointDir} keeps the last finite weights. Try a smaller --lr.");
            Checkpoint.Save(CheckpointDir, Model, Batches, savedEpoch, step, _config.RunOptions);
            if (_config.KeepEpochs && finished) Checkpoint.KeepEpochSnapshot(CheckpointDir, savedEpoch);
            IdleMemory.Release(Model.Options.ResolvedBackend);
            Pictures.WriteEpoch(result, Path.Combine(CheckpointDir, Checkpoint.ModelFile));
            IdleMemory.Release(Model.Options.ResolvedBackend);
            AppendMetrics(result);
            _observer.OnEpoch(result);
        }
        Pictures.WriteFinal(results);
        if (results.Count > 0) Health.CheckEnd(lastLosses, results[^1].TestLosses);
        return results;
    }

    // The rest of the epoch's batches, asking stop() after each step and before the iterator moves on,
    // so a stop leaves the iterator at the first batch not trained (the checkpoint resumes there).
    private IEnumerable<Batch> BatchesUntil(Func<bool> stop)
    {
        foreach (var batch in Batches.EpochBatches())
        {
            yield return batch;
            if (stop()) yield break; // the step is finished: save and stop
        }
    }

    /// <summary>The run's numerical health: steps whose loss or gradients were not finite (their updates skipped).</summary>
    internal RunHealth Health { get; } = new();

    // A NaN/Inf loss or gradient: the optimizers have already skipped the update; count it and report it
    // (Health stops the run when it keeps happening).
    private void GuardNumerics(long step, IReadOnlyDictionary<string, double> losses)
    {
        string? skip = Model.Optimizers.Select(o => o.LastSkipReason).FirstOrDefault(r => r != null);
        if (Health.Record(step, losses, skip, LastSaved) is string what)
            _observer.OnMessage($"step {step}: {what}; update skipped ({Health.Skipped} so far)");
    }

    private string LastSaved() => File.Exists(Path.Combine(CheckpointDir, Checkpoint.ModelFile))
        ? $"the last good checkpoint is in {CheckpointDir}" : "no checkpoint was saved";

    private void Warn(string warning)
    {
        Warnings.Add(warning);
        _epochWarnings.Add(warning);
        _observer.OnWarning(warning);
    }

    /// <summary>Mean held-out losses over the test split (in evaluation mode).</summary>
    // At the training batch size, so evaluation's tensors have the lengths of a training step's and come
    // from the arrays the step returned to the pool (twice the batch size, as before, took a second set:
    // DCGAN peak memory 867 MB against 423 MB while training).
    public IReadOnlyDictionary<string, double> Evaluate() => HeldOut.Evaluate(Model, Test, _config.BatchSize);

    // A diverged loss is written as "NaN" / "Infinity" rather than failing the run.
    private static readonly JsonSerializerOptions MetricsJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private void AppendMetrics(EpochResult r)
    {
        var line = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["epoch"] = r.Epoch, ["step"] = r.Step, ["train"] = r.TrainLosses, ["test"] = r.TestLosses,
            ["images_per_second"] = Math.Round(r.ImagesPerSecond, 1), ["seconds"] = Math.Round(r.Seconds, 2),
            ["non_finite_steps"] = Health.Skipped,
            ["warnings"] = _epochWarnings.ToList(),
        }, MetricsJson);
        _epochWarnings.Clear();
        // Rewritten whole, atomically (a few hundred bytes an epoch): a failed write leaves the lines before it intact.
        string path = Path.Combine(_config.OutDir, "metrics.jsonl");
        var before = File.Exists(path) ? File.ReadAllBytes(path) : [];
        AtomicFile.Write(path, s =>
        {
            s.Write(before);
            s.Write(System.Text.Encoding.UTF8.GetBytes(line + "\n"));
        });
    }
}
