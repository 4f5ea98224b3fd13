using System.Globalization;

namespace Scratchgen.Lab;

/// <summary>
/// The live lab's data sets, all mixtures of Gaussians so that the lab's metrics (<see cref="ModeCoverage"/>)
/// apply to every one of them: the ring and the grid of the literature, two moons drawn as 24 small
/// Gaussians along two half circles (a mode is then a stretch of a moon), and a set the user draws by
/// clicking, one Gaussian per click.
/// </summary>
internal static class LabDataSets
{
    /// <summary>Names the lab accepts for its data knob.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ring", "grid", "moons", "drawn"];

    /// <summary>Spread of each clicked point's Gaussian.</summary>
    public const double DrawnStd = 0.1;

    /// <summary>The plane shown for a drawn set: clicks are taken in [-DrawnExtent, DrawnExtent]^2.</summary>
    public const double DrawnExtent = 3.0;

    /// <summary>The most clicked points a drawn set may hold.</summary>
    public const int MaxDrawnPoints = 64;

    /// <summary>Two interleaved half circles of radius 1 (the upper one centred at (-0.5, -0.25), the lower at
    /// (0.5, 0.25)), each as 12 Gaussians of std 0.06 spaced evenly along it.</summary>
    public static ToyDistribution Moons { get; } = new("moons",
        [.. Enumerable.Range(0, 12).Select(k => (-0.5 + Math.Cos(Math.PI * k / 11), -0.25 + Math.Sin(Math.PI * k / 11))),
         .. Enumerable.Range(0, 12).Select(k => (0.5 - Math.Cos(Math.PI * k / 11), 0.25 - Math.Sin(Math.PI * k / 11)))],
        0.06, 2.5);

    /// <summary>One Gaussian (std <see cref="DrawnStd"/>) at each clicked point.</summary>
    public static ToyDistribution Drawn(IReadOnlyList<(double X, double Y)> points) =>
        points.Count == 0 ? throw new ArgumentException("a drawn data set needs at least one point")
        : new ToyDistribution("drawn", [.. points], DrawnStd, DrawnExtent);

    /// <summary>The data set of a name (and the clicked points for "drawn").</summary>
    public static ToyDistribution Get(string name, IReadOnlyList<(double X, double Y)>? drawn) => name switch
    {
        "ring" => ToyDistribution.Ring8,
        "grid" => ToyDistribution.Grid25,
        "moons" => Moons,
        "drawn" => Drawn(drawn ?? []),
        _ => throw new ArgumentException($"unknown lab data set '{name}': expected {string.Join(", ", Names)}"),
    };

    /// <summary>"x y;x y;..." with invariant numbers: how drawn points travel in control messages and the change log.</summary>
    public static string FormatPoints(IEnumerable<(double X, double Y)> points) =>
        string.Join(";", points.Select(p => $"{p.X.ToString("0.###", CultureInfo.InvariantCulture)} {p.Y.ToString("0.###", CultureInfo.InvariantCulture)}"));
}
