using System.Globalization;

namespace Scratchgen.Models;

/// <summary>One setting of a model's training recipe.</summary>
/// <param name="Name">As written on the command line (<c>--recipe ema=0.999</c>).</param>
/// <param name="Default">The value a default run uses: the one the quality table measured best.</param>
/// <param name="Plain">The textbook value (<c>--recipe plain</c>), kept so the lab and a class can show the difference.</param>
/// <param name="Description">What it does, for --help and error messages.</param>
public sealed record RecipeKnob(string Name, string Default, string Plain, string Description);

/// <summary>
/// The settings a model trains with beyond its sizes: learning rates, an average of G's weights,
/// spectral normalisation, label smoothing, how a condition enters the networks. Each model declares
/// its knobs (<see cref="RecipeKnob"/>), each with the default and the textbook ("plain") value.
/// Written as text: <c>plain</c>, or <c>name=value,...</c> over the defaults, or <c>plain,name=value,...</c>
/// over the textbook values. A checkpoint stores the resolved text, so a model is rebuilt as it was trained;
/// a checkpoint without one was written before recipes existed and is read as plain, which is how it was trained.
/// </summary>
public sealed class Recipe
{
    /// <summary>The text that selects every knob's textbook value.</summary>
    public const string PlainName = "plain";

    private readonly IReadOnlyList<RecipeKnob> _knobs;
    private readonly Dictionary<string, string> _values;

    private Recipe(IReadOnlyList<RecipeKnob> knobs, Dictionary<string, string> values) => (_knobs, _values) = (knobs, values);

    /// <summary>The knobs this recipe sets, in declaration order.</summary>
    public IReadOnlyList<RecipeKnob> Knobs => _knobs;

    /// <summary>Resolves <paramref name="text"/> (null or empty: every default) against a model's knobs.
    /// An unknown name, a missing '=' or a value a knob cannot take is refused by name.</summary>
    public static Recipe Parse(string? text, IReadOnlyList<RecipeKnob> knobs, string model)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        bool plain = parts.Length > 0 && parts[0] == PlainName;
        var values = knobs.ToDictionary(k => k.Name, k => plain ? k.Plain : k.Default);
        foreach (var part in parts.Skip(plain ? 1 : 0))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"--recipe: '{part}' is not name=value (or '{PlainName}' first); {model} knows {Describe(knobs)}");
            string name = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (!values.ContainsKey(name))
                throw new ArgumentException($"--recipe: {model} has no setting '{name}'; it knows {Describe(knobs)}");
            values[name] = value;
        }
        var recipe = new Recipe(knobs, values);
        foreach (var k in knobs) recipe.Validate(k, model);
        return recipe;
    }

    private static string Describe(IReadOnlyList<RecipeKnob> knobs) =>
        knobs.Count == 0 ? "no settings" : string.Join(", ", knobs.Select(k => $"{k.Name} (default {k.Default}, plain {k.Plain})"));

    // Every knob's default and plain values parse as the same kind: number, or one word of a fixed set
    // written as "a|b" in the description's first word list. A value of another kind is refused here.
    private void Validate(RecipeKnob knob, string model)
    {
        string value = _values[knob.Name];
        bool numeric = double.TryParse(knob.Default, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (numeric)
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d) || d < 0)
                throw new ArgumentException($"--recipe: {model}'s '{knob.Name}' takes a finite number >= 0 ({knob.Description}), got '{value}'");
        }
        else if (Choices(knob) is { } choices && !choices.Contains(value))
            throw new ArgumentException($"--recipe: {model}'s '{knob.Name}' takes one of {string.Join(", ", choices)}, got '{value}'");
    }

    // A word knob lists its values in brackets at the start of its description: "[bce|hinge] ...".
    private static string[]? Choices(RecipeKnob knob) =>
        knob.Description.StartsWith('[') && knob.Description.IndexOf(']') is int end and > 0
            ? knob.Description[1..end].Split('|') : null;

    /// <summary>A recipe with no knobs (a model built from networks given to it, as the 2-D lab does).</summary>
    public static Recipe None { get; } = new([], []);

    /// <summary>True when the recipe has a knob of that name.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>A numeric knob's value, or <paramref name="fallback"/> when the recipe has no such knob.</summary>
    public double Number(string name, double fallback) => Has(name) ? Number(name) : fallback;

    /// <summary>A numeric knob's value.</summary>
    public double Number(string name) => double.Parse(Get(name), CultureInfo.InvariantCulture);

    /// <summary>A 0/1 knob: true when non-zero.</summary>
    public bool Flag(string name) => Number(name) != 0;

    /// <summary>A word knob's value.</summary>
    public string Word(string name) => Get(name);

    /// <summary>A word knob's value, or <paramref name="fallback"/> when the recipe has no such knob.</summary>
    public string Word(string name, string fallback) => Has(name) ? Word(name) : fallback;

    private string Get(string name) =>
        _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"recipe has no knob '{name}' (known: {Describe(_knobs)})");

    /// <summary>True when every knob has its textbook value.</summary>
    public bool IsPlain => _knobs.All(k => Same(_values[k.Name], k.Plain));

    private static bool Same(string a, string b) =>
        a == b || (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                   && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double y) && x == y);

    /// <summary>Every knob as name=value, in declaration order: what a checkpoint stores and Parse reads back.</summary>
    public override string ToString() => string.Join(",", _knobs.Select(k => $"{k.Name}={_values[k.Name]}"));
}
