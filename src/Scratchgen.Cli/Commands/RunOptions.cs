using System.Globalization;
using Scratchgen.Models;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// The options a training run is started with. They are stored in its checkpoints
/// (<see cref="Training.Checkpoint.ReadRunOptions"/>) so that <c>train --resume DIR</c> continues the
/// run as it was started. On resume an option not given takes the stored value; one given with the
/// stored value changes nothing; one given with another value either overrides it (said in one line)
/// or, where the checkpoint's weights or data order depend on it, is refused by name.
/// <para>Every value is kept as text in one normal form (invariant numbers, full paths, the resolved
/// recipe), so stored and given values compare as strings; "" is an option left to its default.</para>
/// </summary>
internal static class RunOptions
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    /// <summary>One option: its name, whether a resume may change it, what the user gave (null: not
    /// given), and its default for a model.</summary>
    private sealed record Option(string Name, bool ResumeMayChange, Func<TrainCommand.Settings, string?> Given, Func<string, string> Default);

    public const string Model = "MODEL";

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
        new("--recipe", false, s => s.Recipe, m => Recipe.Parse(null, ModelFactory.Knobs(m), m).ToString()),
        new("--seed", false, s => s.Seed?.ToString(Ci), _ => TrainDefaults.Seed.ToString(Ci)),
        new("--freeze", false, s => s.Freeze, _ => ""),
        new("--epochs", true, s => Text(s.Epochs), m => Text(ModelFactory.DefaultEpochs(m))),
        new("--batch-size", true, s => Text(s.BatchSize), m => Text(ModelFactory.DefaultBatchSize(m))),
        new("--lr", true, s => s.LearningRate?.ToString("R", Ci), _ => ""),
        new("--keep-epochs", true, s => s.KeepEpochs ? "true" : null, _ => "false"),
    ];

    /// <summary>The run's options: what <paramref name="s"/> gives, else what <paramref name="stored"/>
    /// holds (a resumed run's), else the defaults. <paramref name="notes"/> gets one line per stored
    /// value overridden; a given value that contradicts a stored one that may not change is refused.</summary>
    public static IReadOnlyDictionary<string, string> Resolve(TrainCommand.Settings s, IReadOnlyDictionary<string, string> stored, string? checkpoint, List<string> notes)
    {
        string model = s.Model ?? stored.GetValueOrDefault(Model)
            ?? throw new ArgumentException($"MODEL is required: {checkpoint} does not say which model it holds (a checkpoint written before run options were stored)");
        if (!ModelFactory.Names.Contains(model))
            throw new ArgumentException($"unknown model '{model}': expected one of {string.Join(", ", ModelFactory.Names)}");
        var values = new Dictionary<string, string>();
        foreach (var option in Table)
        {
            string? given = option.Name == Model ? model : Normal(option.Name, option.Given(s), model);
            string? kept = stored.TryGetValue(option.Name, out var v) ? Normal(option.Name, v, model) : null;
            if (given != null && kept != null && given != kept)
            {
                if (!option.ResumeMayChange)
                    throw new ArgumentException($"{Show(option.Name, given)} contradicts the checkpoint {checkpoint}, whose run has {Show(option.Name, kept)}: " +
                        "leave the option out to continue the run as it was started, or start a new run");
                notes.Add($"{Show(option.Name, given)} overrides the run's {Show(option.Name, kept)}");
            }
            values[option.Name] = given ?? kept ?? option.Default(model);
        }
        return values;
    }

    // The recipe compares as the model resolves it ("ema=0,sn=1" and "sn=1,ema=0" are one recipe).
    private static string? Normal(string name, string? value, string model) =>
        name == "--recipe" && value != null ? Recipe.Parse(value, ModelFactory.Knobs(model), model).ToString() : value;

    private static string Show(string name, string value) =>
        name == Model ? $"model {value}" : value.Length == 0 ? $"no {name}" : $"{name} {value}";

    private static string? Text(int? value) => value?.ToString(Ci);

    private static string Text(int value) => value.ToString(Ci);

    /// <summary>An int option's value ("" stays null).</summary>
    public static int? Int(IReadOnlyDictionary<string, string> values, string name) =>
        values[name].Length == 0 ? null : int.Parse(values[name], Ci);

    /// <summary>A text option's value ("" stays null).</summary>
    public static string? TextOf(IReadOnlyDictionary<string, string> values, string name) => values[name].Length == 0 ? null : values[name];
}
