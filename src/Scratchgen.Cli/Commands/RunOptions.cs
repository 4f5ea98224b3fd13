using System.Globalization;
using Scratchgen.Checkpoints;
using Scratchgen.Models;
using Scratchgen.Training;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// The options a training run is started with. They are stored in its checkpoints
/// (<see cref="Checkpoint.ReadRunOptions"/>) so that <c>train --resume DIR</c> continues the run as it
/// was started. On resume an option not given takes the stored value; one given with the stored value
/// changes nothing; one given with another value either overrides it (said in one line) or, where the
/// checkpoint's weights or data order depend on it, is refused by name.
/// <para>Every value is kept as text in one normal form (invariant numbers, full paths, the resolved
/// recipe), so stored and given values compare as strings; "" is an option left to its default.</para>
/// </summary>
internal static class RunOptions
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public const string Model = "MODEL";

    /// <summary>One option: its name, whether a resume may change it, what the user gave (null: not
    /// given), and its default for a model.</summary>
    private sealed record Option(string Name, bool ResumeMayChange, Func<TrainCommand.Settings, string?> Given, Func<string, string> Default);

    private static readonly Option[] Table =
    [
        new(Model, false, s => s.Model, _ => ""),
        new("--data", false, s => s.Data == null ? null : Path.GetFullPath(s.Data), _ => ""),
        new("--image-size", false, s => Text(s.ImageSize), _ => Text(TrainDefaults.ImageSize)),
        new("--channels", false, s => Text(s.Channels), _ => Text(TrainDefaults.Channels)),
        new("--limit", false, s => Text(s.Limit), _ => ""),
        new("--train-count", false, s => Text(s.TrainCount), _ => ""),
        new("--arch", false, s => s.Architecture, _ => TrainDefaults.Architecture),
        new("--latent-dim", false, s => Text(s.LatentDim), m => Text(ModelFactory.DefaultLatentDim(m))),
        new("--recipe", false, s => s.Beta is double beta ? BetaRecipe(beta) : s.Recipe, m => Recipe.Parse(null, ModelFactory.Knobs(m), m).ToString()),
        new("--seed", false, s => s.Seed?.ToString(Ci), _ => TrainDefaults.Seed.ToString(Ci)),
        new("--freeze", false, s => s.Freeze, _ => ""),
        new("--epochs", true, s => Text(s.Epochs), m => Text(ModelFactory.DefaultEpochs(m))),
        new("--batch-size", true, s => Text(s.BatchSize), m => Text(ModelFactory.DefaultBatchSize(m))),
        new("--lr", true, s => s.LearningRate?.ToString("R", Ci), _ => ""),
        new("--keep-epochs", true, s => s.KeepEpochs ? "true" : null, _ => "false"),
    ];

    /// <summary>The run's options: what <paramref name="given"/> holds, else what <paramref name="stored"/>
    /// holds (a resumed run's, read from <paramref name="checkpoint"/>), else the defaults; as settings,
    /// and as the values to store in the run's checkpoints. <paramref name="notes"/> gets one line per
    /// stored value overridden. A given value that contradicts a stored one that may not change is an
    /// ArgumentException naming both; a stored value that is not valid is a CheckpointFormatException
    /// naming the file.</summary>
    public static (TrainCommand.Settings Settings, IReadOnlyDictionary<string, string> Values) Resolve(
        TrainCommand.Settings given, IReadOnlyDictionary<string, string> stored, string? checkpoint, List<string> notes)
    {
        string stateFile = checkpoint == null ? "" : Path.Combine(checkpoint, Checkpoint.StateFile);
        CheckpointFormatException Bad(string name, string problem) => new(stateFile, null, $"run option {name} {problem}");
        string model = given.Model ?? stored.GetValueOrDefault(Model)
            ?? throw new ArgumentException($"MODEL is required: {checkpoint} does not say which model it holds (a checkpoint written before run options were stored)");
        if (!ModelFactory.Names.Contains(model)) throw Bad(Model, $"is '{model}': expected one of {string.Join(", ", ModelFactory.Names)}");

        if (given.Beta != null && !HasBeta(model))
            throw new ArgumentException($"--beta is the KL weight of vae and cvae; the run of {checkpoint} is a {model}, which has no KL term");

        var values = new Dictionary<string, string>();
        foreach (var option in Table)
        {
            string? mine = option.Name == Model ? model : Normal(option.Name, option.Given(given), model);
            string? kept;
            try { kept = stored.TryGetValue(option.Name, out var v) ? Normal(option.Name, v, model) : null; }
            catch (ArgumentException e) { throw Bad(option.Name, $"is not one {model} takes: {e.Message}"); }
            if (mine != null && kept != null && mine != kept)
            {
                if (!option.ResumeMayChange)
                    throw new ArgumentException($"{Show(option.Name, mine)} contradicts the checkpoint {checkpoint}, whose run has {Show(option.Name, kept)}: " +
                        "leave the option out to continue the run as it was started, or start a new run");
                notes.Add($"{Show(option.Name, mine)} overrides the run's {Show(option.Name, kept)}");
            }
            values[option.Name] = mine ?? kept ?? option.Default(model);
        }

        int? Int(string name) => values[name].Length == 0 ? null
            : int.TryParse(values[name], NumberStyles.AllowLeadingSign, Ci, out int v) ? v : throw Bad(name, $"is '{values[name]}': expected an integer");
        string? TextOf(string name) => values[name].Length == 0 ? null : values[name];
        var settings = new TrainCommand.Settings
        {
            Model = model, Data = TextOf("--data"), ImageSize = Int("--image-size"), Channels = Int("--channels"), Limit = Int("--limit"),
            TrainCount = Int("--train-count"), Architecture = TextOf("--arch"), LatentDim = Int("--latent-dim"), Recipe = TextOf("--recipe"),
            Seed = ulong.TryParse(values["--seed"], NumberStyles.None, Ci, out ulong seed) ? seed : throw Bad("--seed", $"is '{values["--seed"]}': expected a non-negative integer"),
            Freeze = TextOf("--freeze"), Epochs = Int("--epochs"), BatchSize = Int("--batch-size"),
            LearningRate = TextOf("--lr") is string lr ? double.TryParse(lr, NumberStyles.Float, Ci, out double rate) ? rate : throw Bad("--lr", $"is '{lr}': expected a number") : null,
            KeepEpochs = values["--keep-epochs"] == "true",
            Backend = given.Backend, Out = given.Out, MaxSteps = given.MaxSteps, Resume = given.Resume, InitFrom = given.InitFrom, DetectAnomaly = given.DetectAnomaly, NoFusion = given.NoFusion,
        };
        // What the user gave passed this check when parsed: a failure now is a stored value's.
        if (settings.Validate() is { Successful: false } invalid) throw new CheckpointFormatException(stateFile, null, $"its run options do not hold: {invalid.Message}");
        return (settings, values);
    }

    /// <summary>--beta B is the recipe "beta=B": it is stored, compared on resume and shown as that recipe.</summary>
    public static string BetaRecipe(double beta) => "beta=" + beta.ToString("R", Ci);

    /// <summary>True when the model's recipe has a KL weight (vae, cvae).</summary>
    public static bool HasBeta(string model) => ModelFactory.Knobs(model).Any(k => k.Name == "beta");

    // The recipe compares as the model resolves it ("ema=0,sn=1" and "sn=1,ema=0" are one recipe).
    private static string? Normal(string name, string? value, string model) =>
        name == "--recipe" && value != null ? Recipe.Parse(value, ModelFactory.Knobs(model), model).ToString() : value;

    private static string Show(string name, string value) =>
        name == Model ? $"model {value}" : value.Length == 0 ? $"no {name}" : $"{name} {value}";

    private static string? Text(int? value) => value?.ToString(Ci);

    private static string Text(int value) => value.ToString(Ci);
}
