namespace Scratchgen.Applications;

/// <summary>
/// A uniform scalar quantiser per code dimension, with b bits per value:
///   dimension d's range [lo_d, hi_d] is cut into 2^b cells of width step_d = (hi_d - lo_d) / 2^b;
///   level(z) = floor((z - lo_d) / step_d), clamped to [0, 2^b - 1];  value(level) = lo_d + (level + 1/2) step_d,
/// so a value inside the range comes back within step_d / 2, and one outside lands on the nearest end cell.
/// The ranges are learned per dimension (<see cref="Fit"/>: the minimum and maximum of each dimension over
/// the training split's codes) rather than one range for the whole code: an autoencoder's dimensions
/// spread very differently (some barely move, some span tens of units), and one shared range would spend
/// most levels of the narrow ones on values they never take. The ranges (two float32 per dimension) travel
/// with the decoder, not with each image (<see cref="SideBytes"/>).
/// </summary>
internal sealed class UniformQuantiser
{
    /// <summary>Bits per value that <see cref="Fit"/> accepts: a level must fit in an int with room to spare.</summary>
    public const int MaxBits = 16;

    private readonly double[] _low, _high;

    /// <summary>A quantiser over the given ranges, one [low, high] per dimension (high >= low).</summary>
    public UniformQuantiser(double[] low, double[] high, int bits)
    {
        if (bits < 1 || bits > MaxBits) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"bits per value must be from 1 to {MaxBits}");
        if (low.Length == 0 || low.Length != high.Length) throw new ArgumentException($"one range per dimension: got {low.Length} lows and {high.Length} highs");
        for (int d = 0; d < low.Length; d++)
            if (!double.IsFinite(low[d]) || !double.IsFinite(high[d]) || high[d] < low[d])
                throw new ArgumentException($"dimension {d}'s range [{low[d]}, {high[d]}] is not a finite interval");
        (_low, _high, Bits) = ((double[])low.Clone(), (double[])high.Clone(), bits);
    }

    /// <summary>Fits each dimension's range to the minimum and maximum of <paramref name="codes"/> (N x D, row-major).</summary>
    public static UniformQuantiser Fit(ReadOnlySpan<float> codes, int dims, int bits)
    {
        if (dims < 1 || codes.Length == 0 || codes.Length % dims != 0)
            throw new ArgumentException($"codes must be whole rows of {dims} values, got {codes.Length} values");
        var low = Enumerable.Repeat(double.PositiveInfinity, dims).ToArray();
        var high = Enumerable.Repeat(double.NegativeInfinity, dims).ToArray();
        for (int i = 0; i < codes.Length; i++)
        {
            int d = i % dims;
            if (!float.IsFinite(codes[i])) throw new ArgumentException($"code value {i / dims}, dimension {d} is {codes[i]}: a range needs finite codes");
            low[d] = Math.Min(low[d], codes[i]);
            high[d] = Math.Max(high[d], codes[i]);
        }
        return new UniformQuantiser(low, high, bits);
    }

    /// <summary>Bits per value.</summary>
    public int Bits { get; }

    /// <summary>Levels per value: 2^Bits.</summary>
    public int Levels => 1 << Bits;

    /// <summary>Code dimensions D.</summary>
    public int Dims => _low.Length;

    /// <summary>What the decoder needs besides the levels: each dimension's range as two float32.</summary>
    public int SideBytes => Dims * 2 * sizeof(float);

    /// <summary>The level of every value of N x D codes (row-major).</summary>
    public int[] Quantise(ReadOnlySpan<float> codes)
    {
        CheckRows(codes.Length);
        var levels = new int[codes.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            int d = i % Dims;
            double step = Step(d);
            levels[i] = step == 0 ? 0 : (int)Math.Clamp(Math.Floor((codes[i] - _low[d]) / step), 0, Levels - 1);
        }
        return levels;
    }

    /// <summary>The value every level stands for: its cell's centre.</summary>
    public float[] Dequantise(ReadOnlySpan<int> levels)
    {
        CheckRows(levels.Length);
        var values = new float[levels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            if ((uint)levels[i] >= (uint)Levels) throw new ArgumentOutOfRangeException(nameof(levels), levels[i], $"a {Bits}-bit level is from 0 to {Levels - 1}");
            int d = i % Dims;
            values[i] = (float)(_low[d] + (levels[i] + 0.5) * Step(d));
        }
        return values;
    }

    private double Step(int d) => (_high[d] - _low[d]) / Levels;

    private void CheckRows(int length)
    {
        if (length % Dims != 0) throw new ArgumentException($"expected whole codes of {Dims} values, got {length} values");
    }
}
