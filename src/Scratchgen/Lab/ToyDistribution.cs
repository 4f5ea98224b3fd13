using Scratchgen.Tensors;

namespace Scratchgen.Lab;

/// <summary>
/// A mixture of equally likely 2-D Gaussians with one standard deviation, the toy data of the mode
/// collapse literature (Unrolled GANs, VEEGAN, PacGAN use these shapes; sizes vary between papers):
///   ring: 8 centres on a circle of radius 2, std 0.02
///   grid: 25 centres at {-4, -2, 0, 2, 4}^2, std 0.05
/// </summary>
internal sealed record ToyDistribution(string Name, IReadOnlyList<(double X, double Y)> Centres, double Std, double Extent)
{
    public static ToyDistribution Ring8 { get; } = new("ring",
        Enumerable.Range(0, 8).Select(k => (2 * Math.Cos(2 * Math.PI * k / 8), 2 * Math.Sin(2 * Math.PI * k / 8))).ToList(), 0.02, 3.0);

    public static ToyDistribution Grid25 { get; } = new("grid",
        Enumerable.Range(0, 25).Select(k => (-4.0 + 2 * (k % 5), -4.0 + 2 * (k / 5))).ToList(), 0.05, 5.5);

    public static IReadOnlyList<ToyDistribution> All { get; } = [Ring8, Grid25];

    public static ToyDistribution FromName(string name) =>
        All.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"unknown toy data '{name}': expected {string.Join(" or ", All.Select(d => d.Name))}");

    public int Modes => Centres.Count;

    /// <summary>n points, row-major (x0, y0, x1, y1, ...): a uniformly chosen centre plus N(0, Std^2) noise per axis.</summary>
    public float[] Sample(int n, Rng rng)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "sample count must not be negative");
        var points = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            var (cx, cy) = Centres[rng.NextInt(Centres.Count)];
            points[2 * i] = (float)(cx + Std * rng.NextNormal());
            points[2 * i + 1] = (float)(cy + Std * rng.NextNormal());
        }
        return points;
    }
}
