using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;

namespace Scratchgen.Tests.Kernels;

/// <summary>SimdMath's own exp and log1p polynomials and the activations built on them, against float64
/// on dense sweeps (every 8-lane vector a mix of nearby points) and at the edges of their ranges.</summary>
public class SimdMathTests
{
    // float32 ulp at |v|: the spacing of floats there.
    private static double Ulp(double v)
    {
        float f = Math.Abs((float)v);
        return (double)MathF.BitIncrement(f) - f;
    }

    // log(1 + v) in float64 without losing a small v (1 + v rounds in double too): the series below 1e-4.
    private static double Log1p(double v) => v < 1e-4 ? v - v * v / 2 + v * v * v / 3 : Math.Log(1 + v);

    private static IEnumerable<float> Sweep(float lo, float hi, int count)
    {
        for (int i = 0; i < count; i++) yield return lo + (hi - lo) * i / (count - 1);
    }

    // Applies f lane-wise over xs (padded to whole vectors) and returns the worst error in ulp of the exact value.
    private static (double Ulps, float At) WorstUlps(IEnumerable<float> points, Func<Vector256<float>, Vector256<float>> f, Func<double, double> exact)
    {
        var xs = points.ToArray();
        double worst = 0;
        float at = float.NaN;
        var lanes = new float[8];
        for (int i = 0; i < xs.Length; i += 8)
        {
            for (int l = 0; l < 8; l++) lanes[l] = xs[Math.Min(i + l, xs.Length - 1)];
            var y = f(Vector256.Create(lanes));
            for (int l = 0; l < 8; l++)
            {
                double want = exact(lanes[l]);
                double err = Math.Abs(y[l] - want) / Ulp(want);
                if (err > worst) (worst, at) = (err, lanes[l]);
            }
        }
        return (worst, at);
    }

    [Fact]
    public void Exp_IsWithin2Ulp_OnItsWholeRange()
    {
        var (ulps, at) = WorstUlps(Sweep(-80f, 80f, 200_003), SimdMath.ExpClamped, Math.Exp);
        Assert.True(ulps <= 2, $"exp: {ulps:F2} ulp at x = {at}");
    }

    [Fact]
    public void Exp_IsClampedAtPlusMinus80_NeverSubnormalOrInfinite()
    {
        var y = SimdMath.ExpClamped(Vector256.Create(-1000f, -88f, -80f, 0f, 1f, 80f, 89f, float.MaxValue));
        Assert.Equal((float)Math.Exp(-80), y[0], (float)(2 * Ulp(Math.Exp(-80))));
        Assert.Equal(y[0], y[1]);
        Assert.Equal(1f, y[3]);
        Assert.Equal((float)Math.E, y[4], 2e-7f);
        Assert.Equal(y[5], y[6]);
        Assert.True(float.IsNormal(y[0]) && float.IsFinite(y[7]));
    }

    [Fact]
    public void Log1p_IsWithin2Ulp_FromTinyToOne()
    {
        var points = Sweep(0f, 1f, 100_003).Concat(Enumerable.Range(0, 120).Select(i => MathF.Pow(2f, -i))).Append(0f);
        var (ulps, at) = WorstUlps(points, SimdMath.Log1p01, Log1p);
        Assert.True(ulps <= 3, $"log1p: {ulps:F2} ulp at e = {at}");
    }

    [Fact]
    public void SoftplusSigmoidTanh_MatchFloat64_AcrossTheLogitRange()
    {
        var points = Sweep(-90f, 90f, 100_003).ToArray();
        double Softplus(double x) => Math.Max(x, 0) + Log1p(Math.Exp(-Math.Abs(x)));
        // Below x = -80 the clamped exponent gives exp(-80) = 1.8e-35 instead of a subnormal: an
        // absolute error under 2e-35, outside the ulp sweep.
        var (sp, spAt) = WorstUlps(points.Where(x => x >= -80), SimdMath.Softplus, Softplus);
        Assert.True(sp <= 4, $"softplus: {sp:F2} ulp at x = {spAt}");
        Assert.True(SimdMath.Softplus(Vector256.Create(-90f))[0] < 2e-35f);
        foreach (float x in points.Where((_, i) => i % 7 == 0))
        {
            var v = Vector256.Create(x);
            Assert.Equal(1 / (1 + Math.Exp(-x)), SimdMath.Sigmoid(v)[0], 3e-7);
            Assert.Equal(Math.Tanh(x), SimdMath.Tanh(v)[0], 3e-7);
        }
    }
}
