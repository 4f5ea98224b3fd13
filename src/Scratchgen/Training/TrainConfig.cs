using Scratchgen.Backends;

namespace Scratchgen.Training;

/// <summary>Everything a training run is configured by (the CLI parses its options into this).</summary>
/// <param name="Model">Model name (see ModelFactory).</param>
/// <param name="OutDir">Where pictures, metrics and checkpoints go.</param>
/// <param name="Epochs">Passes over the training split.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LearningRate">null: the model's customary rate.</param>
/// <param name="LatentDim">null: the model's default.</param>
/// <param name="Seed">Seeds the model, the data order and the picture noise.</param>
/// <param name="Backend">Where tensors live.</param>
/// <param name="Architecture">mlp or conv (models with both).</param>
/// <param name="TrainCount">Images in the training split (the rest is the test split); null: 90 %.</param>
/// <param name="Limit">Use only the first N images of the data (quick runs and tests).</param>
/// <param name="MaxSteps">Stop after this global step, saving a checkpoint as on Ctrl+C (time-boxed runs; a
/// later --resume continues exactly); null: train all epochs.</param>
/// <param name="KeepEpochs">Also keep each epoch's weights in checkpoint/epoch_NNN/ (for detection epoch by epoch).</param>
/// <param name="Recipe">The training recipe as text (Models.Recipe): null for the model's defaults, "plain" for the textbook one.</param>
/// <param name="RunOptions">The options the run was started with (name to value), stored in its checkpoints so that a
/// resumed run can continue as it was started (Checkpoint.ReadRunOptions); null: none stored.</param>
public sealed record TrainConfig(
    string Model,
    string OutDir,
    int Epochs,
    int BatchSize = 128,
    double? LearningRate = null,
    int? LatentDim = null,
    ulong Seed = 1,
    IBackend? Backend = null,
    string Architecture = "mlp",
    int? TrainCount = null,
    int? Limit = null,
    long? MaxSteps = null,
    bool KeepEpochs = false,
    string? Recipe = null,
    IReadOnlyDictionary<string, string>? RunOptions = null);
