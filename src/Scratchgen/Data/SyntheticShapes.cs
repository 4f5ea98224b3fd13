using Scratchgen.Tensors;

namespace Scratchgen.Data;

/// <summary>
/// A small RGB data set made in the repository, so colour training can be tried offline: one filled shape
/// per image on a dark background, each class its own shape and colour:
///   circle (red), square (green), triangle (blue), diamond (yellow)
///   size: radius r in [0.22, 0.34] of the side; centre within the middle half; rotation in [-20, 20]
///   degrees (squares, triangles, diamonds); colour: the class colour times a brightness in [0.8, 1];
///   background: a dark grey-blue in [0.03, 0.10] per channel; 4x4 supersampled edges.
/// Images are [3, S, S] in [0, 1], labels the class index. Deterministic for a seed.
/// </summary>
public static class SyntheticShapes
{
    /// <summary>The classes, in label order.</summary>
    public static readonly string[] Names = ["circle", "square", "triangle", "diamond"];

    /// <summary>Each class's colour (R, G, B) at full brightness.</summary>
    public static readonly (float R, float G, float B)[] Colours = [(0.95f, 0.2f, 0.15f), (0.2f, 0.85f, 0.25f), (0.2f, 0.4f, 0.95f), (0.95f, 0.85f, 0.15f)];

    /// <summary>A dataset of <paramref name="count"/> RGB images of simple coloured shapes (<paramref name="size"/> pixels square), drawn from <paramref name="seed"/>; labelled by shape.</summary>
    public static Dataset Render(int count, ulong seed, int size = 32)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "the shape count must be positive");
        if (size < 8) throw new ArgumentOutOfRangeException(nameof(size), size, "shapes need images of at least 8x8");
        var rng = new Rng(seed);
        int plane = size * size;
        var images = new float[count * 3 * plane];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = rng.NextInt(Names.Length);
            Draw(labels[i], rng, size, images.AsSpan(i * 3 * plane, 3 * plane));
        }
        return new Dataset("shapes", images, [3, size, size], labels, Names.Length) { ClassNames = Names };
    }

    private static double Uniform(Rng rng, double lo, double hi) => lo + (hi - lo) * rng.NextDouble();

    private static void Draw(int shape, Rng rng, int size, Span<float> image)
    {
        double r = Uniform(rng, 0.22, 0.34) * size;
        double cx = size * Uniform(rng, 0.25, 0.75), cy = size * Uniform(rng, 0.25, 0.75);
        double theta = Uniform(rng, -20, 20) * Math.PI / 180, brightness = Uniform(rng, 0.8, 1);
        float bgR = (float)Uniform(rng, 0.03, 0.08), bgG = (float)Uniform(rng, 0.03, 0.08), bgB = (float)Uniform(rng, 0.05, 0.10);
        var colour = Colours[shape];
        double cos = Math.Cos(theta), sin = Math.Sin(theta);
        int plane = size * size;
        const int ss = 4;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                int inside = 0;
                for (int sy = 0; sy < ss; sy++)
                    for (int sx = 0; sx < ss; sx++)
                    {
                        double px = x + (sx + 0.5) / ss - cx, py = y + (sy + 0.5) / ss - cy;
                        // In the shape's own frame, unrotated and scaled to a unit radius.
                        double u = (cos * px + sin * py) / r, v = (-sin * px + cos * py) / r;
                        if (Inside(shape, u, v)) inside++;
                    }
                float a = inside / (float)(ss * ss), k = (float)brightness * a;
                int at = y * size + x;
                image[at] = bgR * (1 - a) + colour.R * k;
                image[plane + at] = bgG * (1 - a) + colour.G * k;
                image[2 * plane + at] = bgB * (1 - a) + colour.B * k;
            }
    }

    private static bool Inside(int shape, double u, double v) => shape switch
    {
        0 => u * u + v * v <= 1,                                   // circle of radius 1
        1 => Math.Abs(u) <= 0.8 && Math.Abs(v) <= 0.8,            // square of about the circle's area
        2 => v <= 0.6 && v >= -0.9 + 1.7 * Math.Abs(u) / 1.1,      // triangle pointing up, base 2.2 wide
        _ => Math.Abs(u) + Math.Abs(v) <= 1.1,                     // diamond
    };
}
