using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>
/// The rule by which a float32 backend's results for an <see cref="OpCase"/> are compared with the float64
/// Reference's (the parity tests, and `Scratchgen.GpuRunner parity` on CUDA): each value must satisfy
///   |actual - expected| &lt;= Atol + Rtol |expected| + rounding,
/// where rounding is 0, except for a case whose every result is a sum of products of its inputs
/// (<see cref="OpCase.SumsOfProducts"/>: matmul, linear, convolution). The rounding of such a sum of n
/// float32 products in a single running sum (cuBLAS's order, and the GPU rungs') grows with the partial
/// sums, which follow sum |a_k b_k| and not the result: a result near zero out of terms of size 1 is off
/// by far more than Rtol of itself. There the allowance is the
/// probabilistic bound of Higham and Mary (2019) with lambda = 1:
///   rounding = sqrt(n) u sum |a_k b_k|,   u = 2^-24 (float32's unit roundoff),
/// where sum |a_k b_k| is the case evaluated on |inputs| and n the case evaluated on inputs of 1 (the
/// terms of each result; for a gradient the loss weights, 1 to 2, make it at most 2n). Both are computed
/// on the Reference only when a value misses the plain tolerance. Dropping one product, or accumulating
/// in half precision, still fails (ParityCheckTests).
/// </summary>
internal static class ParityCheck
{
    public const double Atol = 2e-5, Rtol = 2e-4;

    /// <summary>float32's unit roundoff, 2^-24.</summary>
    public const double UnitRoundoff = 1.0 / (1 << 24);

    /// <summary>Null when every output and gradient of <paramref name="actual"/> is within the rule of
    /// <paramref name="expected"/>; otherwise the value furthest outside it, its index, and how far (in
    /// multiples of its allowance). <paramref name="inputs"/> are the case's inputs (any backend): the
    /// rounding allowance of a sum-of-products case is computed from them.</summary>
    public static string? FirstMiss(OpCase c, Tensor[] inputs, (double[] Output, double[][] Gradients) expected,
        (double[] Output, double[][] Gradients) actual)
    {
        var miss = Worst(expected, actual, rounding: null);
        if (miss == null || !c.SumsOfProducts) return miss?.Message;
        return Worst(expected, actual, RoundingAllowance(c, inputs))?.Message;
    }

    /// <summary>sqrt(n) u sum |a_k b_k| for each output and gradient value of a sum-of-products case, as the
    /// Reference computes it in float64.</summary>
    public static (double[] Output, double[][] Gradients) RoundingAllowance(OpCase c, Tensor[] inputs)
    {
        var magnitudes = c.Evaluate(inputs.Select(t => Mapped(t, Math.Abs)).ToArray());
        var terms = c.Evaluate(inputs.Select(t => Mapped(t, _ => 1.0)).ToArray());
        return (Combine(magnitudes.Output, terms.Output), magnitudes.Gradients.Zip(terms.Gradients, Combine).ToArray());
    }

    /// <summary>The rounding allowance of one float32 sum of <paramref name="terms"/> products whose magnitudes
    /// add up to <paramref name="magnitude"/> (sum |a_k b_k|): sqrt(n) u sum |a_k b_k|.</summary>
    public static double RoundingBound(double terms, double magnitude) => Math.Sqrt(Math.Max(terms, 1)) * UnitRoundoff * magnitude;

    /// <summary>How far a float32 value may lie from the float64 <paramref name="expected"/>: Atol + Rtol |expected| + rounding.</summary>
    public static double Allowed(double expected, double rounding) => Atol + Rtol * Math.Abs(expected) + rounding;

    private static double[] Combine(double[] magnitude, double[] terms) => magnitude.Zip(terms, (m, n) => RoundingBound(n, m)).ToArray();

    private static Tensor Mapped(Tensor t, Func<double, double> f) =>
        Tensor.FromArray(t.ToDoubleArray().Select(f).ToArray(), t.Dims, DType.Float64, Backend.Reference);

    private sealed record Miss(double Ratio, string Message);

    private static Miss? Worst((double[] Output, double[][] Gradients) expected, (double[] Output, double[][] Gradients) actual,
        (double[] Output, double[][] Gradients)? rounding)
    {
        var worst = Worst(expected.Output, actual.Output, rounding?.Output, "forward");
        for (int i = 0; i < expected.Gradients.Length; i++)
        {
            var g = Worst(expected.Gradients[i], actual.Gradients[i], rounding?.Gradients[i], $"gradient of input {i}");
            if (g != null && (worst == null || g.Ratio > worst.Ratio)) worst = g;
        }
        return worst;
    }

    private static Miss? Worst(double[] expected, double[] actual, double[]? rounding, string what)
    {
        if (expected.Length != actual.Length) return new(double.PositiveInfinity, $"{what}: expected {expected.Length} values, got {actual.Length}");
        Miss? worst = null;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (e == a || (double.IsNaN(e) && double.IsNaN(a))) continue;
            double allowed = Allowed(e, rounding?[i] ?? 0), ratio = Math.Abs(a - e) / allowed;
            if (ratio <= 1) continue;
            if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
            if (worst == null || ratio > worst.Ratio)
                worst = new(ratio, $"{what}: worst mismatch at index {i}: expected {e:G9}, got {a:G9}, {ratio:F1}x the allowance " +
                    $"(atol {Atol}, rtol {Rtol}{(rounding == null ? "" : $", rounding {rounding[i]:G3}")})");
        }
        return worst;
    }
}
