namespace Scratchgen.Tensors;

/// <summary>A seeded, splittable random number generator (xoshiro256** seeded through SplitMix64).
/// Every random draw in Scratchgen goes through one of these, so a seed reproduces a run. Its whole
/// state can be saved and restored (checkpoints use this to resume exactly).</summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>A generator whose state is derived from <paramref name="seed"/> with SplitMix64; the same seed gives the same stream.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 uniformly random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A new generator whose stream is independent of this one's continuation.</summary>
    public Rng Split() => new(NextUInt64());

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive");
        return (int)(NextDouble() * n);
    }

    /// <summary>Standard normal by the Box-Muller transform (the second value is kept for the next call).</summary>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        (double r, double sin, double cos) = BoxMuller(u1, u2); // Math.SinCos: one call, the same values as Sin and Cos
        _spareNormal = r * sin;
        _hasSpare = true;
        return r * cos;
    }

    /// <summary>dst[0..count) = the next <paramref name="count"/> values of <see cref="NextNormal"/>, the same
    /// values in the same order (and the same spare left for the next call). The uniform draws stay
    /// sequential; the Box-Muller transforms (a log and a sin/cos per pair, nearly all the cost) run over
    /// the cores for long fills: a GAN's 128 x 100 latent batch every step.</summary>
    public void FillNormal(double[] dst, int count)
    {
        if (count > dst.Length) throw new ArgumentOutOfRangeException(nameof(count), count, $"FillNormal: {count} values do not fit an array of {dst.Length}");
        int first = 0;
        if (_hasSpare && count > 0)
        {
            dst[first++] = _spareNormal;
            _hasSpare = false;
        }
        int draws = (count - first + 1) / 2; // pairs of uniforms; the last one may give a spare
        if (draws == 0) return;
        var u = t_uniforms is { } reuse && reuse.Length >= 2 * draws ? reuse : t_uniforms = new double[2 * draws];
        for (int d = 0; d < draws; d++)
        {
            u[2 * d] = 1.0 - NextDouble(); // (0, 1]: log is finite
            u[2 * d + 1] = NextDouble();
        }
        Backends.Cpu.CpuParallel.For(draws, 64, (d0, d1) =>
        {
            for (int d = d0; d < d1; d++)
            {
                (double r, double sin, double cos) = BoxMuller(u[2 * d], u[2 * d + 1]);
                int at = first + 2 * d;
                dst[at] = r * cos;
                if (at + 1 < count) dst[at + 1] = r * sin;
            }
        });
        if ((count - first) % 2 == 1)
        {
            (double r, double sin, _) = BoxMuller(u[2 * draws - 2], u[2 * draws - 1]);
            (_spareNormal, _hasSpare) = (r * sin, true);
        }
    }

    [ThreadStatic] private static double[]? t_uniforms;

    private static (double R, double Sin, double Cos) BoxMuller(double u1, double u2)
    {
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2 * Math.PI * u2);
        return (r, sin, cos);
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The full state, for checkpoints: four words, the spare normal and its flag.</summary>
    public ulong[] GetState() =>
        [_s0, _s1, _s2, _s3, BitConverter.DoubleToUInt64Bits(_spareNormal), _hasSpare ? 1UL : 0UL];

    /// <summary>Restores a state <see cref="GetState"/> returned; the stream then continues exactly from there.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"Rng state must have 6 words, got {state.Length}");
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = BitConverter.UInt64BitsToDouble(state[4]);
        _hasSpare = state[5] != 0;
    }
}
