using System.Globalization;
using Scratchgen.Autograd;
using Scratchgen.Models;

namespace Scratchgen.Training;

/// <summary>
/// A run's numerical health, and the verdict on how it ended. A step whose loss or gradients are not
/// finite has its update skipped by the optimizers: survivable now and then, but the run stops at once
/// after <see cref="MaxInARow"/> such steps in a row, and a run that ends with losses or weights that
/// are not finite, or that skipped more than <see cref="MaxSkippedShare"/> of its steps, has failed
/// (<see cref="NonFiniteException"/>) whatever it managed to save.
/// </summary>
internal sealed class RunHealth
{
    /// <summary>Stop after this many non-finite steps in a row.</summary>
    public const int MaxInARow = 10;

    /// <summary>The largest share of a run's steps that may be skipped for non-finite values.</summary>
    public const double MaxSkippedShare = 0.05;

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private int _inARow;

    /// <summary>Steps recorded.</summary>
    public long Steps { get; private set; }

    /// <summary>Steps whose loss or gradients were NaN or infinite (their updates were skipped).</summary>
    public int Skipped { get; private set; }

    /// <summary>The first skipped step and why ("step 12: loss 'loss_d' is NaN"), or null.</summary>
    public string? FirstSkip { get; private set; }

    /// <summary>Records one step: <paramref name="skipReason"/> is an optimizer's reason for skipping its
    /// update, if any. Returns what was not finite, or null for a good step; throws after too many bad
    /// steps in a row, with <paramref name="lastSaved"/>'s account of what was saved.</summary>
    public string? Record(long step, IReadOnlyDictionary<string, double> losses, string? skipReason, Func<string> lastSaved)
    {
        Steps++;
        var badLoss = losses.FirstOrDefault(kv => !double.IsFinite(kv.Value));
        if (badLoss.Key == null && skipReason == null)
        {
            _inARow = 0;
            return null;
        }
        string what = skipReason ?? $"loss '{badLoss.Key}' is {badLoss.Value.ToString(Ci)}";
        Skipped++;
        _inARow++;
        FirstSkip ??= $"step {step}: {what}";
        if (_inARow >= MaxInARow)
            throw new NonFiniteException(
                $"training stopped at step {step}: {MaxInARow} steps in a row were not finite (last: {what}; first: {FirstSkip}). " +
                $"Try a smaller --lr; {lastSaved()}");
        return what;
    }

    /// <summary>The first parameter or buffer of <paramref name="model"/> holding a NaN or infinity, or null.</summary>
    public static string? FirstNonFiniteWeight(GenerativeModel model)
    {
        foreach (var (name, tensor) in model.StateDict())
        {
            var values = tensor.ToArray();
            int i = Array.FindIndex(values, v => !float.IsFinite(v));
            if (i >= 0) return $"'{name}' holds {values[i].ToString(Ci)} (element {i})";
        }
        return null;
    }

    /// <summary>Throws <see cref="NonFiniteException"/>, naming where it went wrong, when the run ended
    /// with non-finite losses (its last step's or held-out) or skipped too many of its steps.</summary>
    public void CheckEnd(IReadOnlyDictionary<string, double>? lastStep, IReadOnlyDictionary<string, double>? heldOut)
    {
        var problems = new List<string>();
        if (Skipped > MaxSkippedShare * Steps)
            problems.Add($"{Skipped} of its {Steps} steps ({100.0 * Skipped / Steps:F0} %, more than {100 * MaxSkippedShare:F0} %) were not finite and their updates skipped, the first at {FirstSkip}");
        if (NonFinite(lastStep) is string last) problems.Add($"its last step's losses are not finite ({last})");
        if (NonFinite(heldOut) is string held) problems.Add($"its final held-out losses are not finite ({held})");
        if (problems.Count > 0)
            throw new NonFiniteException($"training failed: {string.Join("; ", problems)}. Try a smaller --lr.");
    }

    private static string? NonFinite(IReadOnlyDictionary<string, double>? losses)
    {
        var bad = (losses ?? new Dictionary<string, double>()).Where(kv => !double.IsFinite(kv.Value)).ToList();
        return bad.Count == 0 ? null : string.Join(", ", bad.Select(kv => $"{kv.Key} {kv.Value.ToString(Ci)}"));
    }
}
