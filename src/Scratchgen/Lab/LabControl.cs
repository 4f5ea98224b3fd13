using System.Globalization;

namespace Scratchgen.Lab;

/// <summary>One validated knob change, in canonical form (<see cref="LabControl.Parse"/> made it).</summary>
/// <param name="Field">lr_d, lr_g, d_steps, loss, g_width, d_width, data, drawn or reset.</param>
/// <param name="Value">The value as the change log writes it (invariant culture).</param>
internal sealed record LabChange(string Field, string Value);

/// <summary>
/// The one gate between the page and the engine: a control message (field name and value text) becomes
/// a <see cref="LabChange"/> only when the value parses and lies in range; otherwise the message names the
/// field and what was expected. NaN, infinities, 1e30 and words where numbers belong never get through.
/// </summary>
internal static class LabControl
{
    /// <summary>Lowest and highest learning rate accepted.</summary>
    public const double MinLr = 1e-6, MaxLr = 1.0;

    /// <summary>Bounds of D steps per G step and of the hidden widths.</summary>
    public const int MaxDSteps = 20, MinWidth = 2, MaxWidth = 512;

    /// <summary>The fields a control message may name.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["lr_d", "lr_g", "d_steps", "loss", "g_width", "d_width", "data", "drawn", "reset"];

    /// <summary>The change a message asks for, or the reason it is refused (exactly one is non-null).</summary>
    public static (LabChange? Change, string? Error) Parse(string? field, string? value)
    {
        if (string.IsNullOrEmpty(field) || !Fields.Contains(field))
            return (null, $"unknown control '{Clip(field)}': expected one of {string.Join(", ", Fields)}");
        value = value?.Trim() ?? "";
        var (canonical, error) = field switch
        {
            "lr_d" or "lr_g" => Rate(field, value),
            "d_steps" => Integer(field, value, 1, MaxDSteps),
            "g_width" or "d_width" => Integer(field, value, MinWidth, MaxWidth),
            "reset" => Integer(field, value, 0, int.MaxValue),
            "loss" => value is "non-saturating" or "minimax" or "wgan-gp" ? (value, null)
                : (null, $"loss: '{Clip(value)}' is not a loss: expected non-saturating, minimax or wgan-gp"),
            "data" => value is "ring" or "grid" or "moons" ? (value, null)
                : (null, $"data: '{Clip(value)}' is not a data set: expected ring, grid or moons (or click points for a drawn set)"),
            _ => ParsePoints(value) is { } points ? (LabDataSets.FormatPoints(points), null)
                : ((string?)null, (string?)$"drawn: expected 1 to {LabDataSets.MaxDrawnPoints} points 'x y' separated by ';', each coordinate within ±{LabDataSets.DrawnExtent}"),
        };
        return error == null ? (new LabChange(field, canonical!), null) : (null, error);
    }

    private static (string?, string?) Rate(string field, string text)
    {
        const string range = "expected a learning rate from 1e-6 to 1";
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            return (null, $"{field}: '{Clip(text)}' is not a finite number: {range}");
        if (v is < MinLr or > MaxLr)
            return (null, $"{field}: {v.ToString("G4", CultureInfo.InvariantCulture)} is out of range: {range}");
        return (v.ToString("R", CultureInfo.InvariantCulture), null);
    }

    private static (string?, string?) Integer(string field, string text, long min, long max) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max
            ? (v.ToString(CultureInfo.InvariantCulture), null)
            : (null, $"{field}: '{Clip(text)}' is not allowed: expected a whole number from {min} to {max}");

    /// <summary>"x y;x y" as points, or null when malformed, empty, too many or off the plane.</summary>
    public static List<(double X, double Y)>? ParsePoints(string text)
    {
        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 0 or > LabDataSets.MaxDrawnPoints) return null;
        var points = new List<(double, double)>();
        foreach (var part in parts)
        {
            var xy = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (xy.Length != 2
                || !double.TryParse(xy[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
                || !double.TryParse(xy[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double y)
                || !(Math.Abs(x) <= LabDataSets.DrawnExtent) || !(Math.Abs(y) <= LabDataSets.DrawnExtent)) return null;
            points.Add((x, y));
        }
        return points;
    }

    /// <summary>The settings with a change applied (the change was validated by <see cref="Parse"/>).</summary>
    public static LabSettings Apply(LabSettings s, LabChange c) => c.Field switch
    {
        "lr_d" => s with { LrD = Num(c.Value) },
        "lr_g" => s with { LrG = Num(c.Value) },
        "d_steps" => s with { DSteps = (int)Num(c.Value) },
        "g_width" => s with { GWidth = (int)Num(c.Value) },
        "d_width" => s with { DWidth = (int)Num(c.Value) },
        "loss" => s with { Loss = c.Value switch { "minimax" => LabLoss.Minimax, "wgan-gp" => LabLoss.WganGp, _ => LabLoss.NonSaturating } },
        "data" => s with { Data = c.Value, Drawn = null },
        "drawn" => s with { Data = "drawn", Drawn = ParsePoints(c.Value) },
        "reset" => s with { Seed = ulong.Parse(c.Value, CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"unknown control '{c.Field}'"),
    };

    private static double Num(string v) => double.Parse(v, CultureInfo.InvariantCulture);

    // Echoed values are cut short: a message must not carry a megabyte of what was sent.
    private static string Clip(string? text) => text == null ? "" : text.Length <= 40 ? text : text[..40] + "...";
}
