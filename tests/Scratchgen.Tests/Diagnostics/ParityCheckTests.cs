using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Diagnostics;

/// <summary>
/// The backend comparison rule (ParityCheck): the rounding allowance of a sum of products, worked out by
/// hand here, and what it lets through and what it does not, on a product with a long K (4,096) computed
/// the way a GPU rung or cuBLAS computes it: one float32 running sum per output.
/// </summary>
public sealed class ParityCheckTests
{
    private const int M = 64, K = 4096, N = 64;

    private static readonly OpCase LongProduct =
        new("matmul_long_k", xs => xs[0].MatMul(xs[1]), [[[M, K], [K, N]]], [InputDomain.Normal], SumsOfProducts: true);

    // float32 values, held in float64 on the Reference, as the parity tests compare them
    private static Tensor[] Inputs(OpCase c) =>
        c.MakeInputs(0, seed: 4321, DType.Float32, Backend.Cpu).Select(t => t.To(Backend.Reference, DType.Float64)).ToArray();

    [Fact]
    public void RoundingAllowance_IsSqrtOfTermsTimesUnitRoundoffTimesSumOfAbsoluteProducts()
    {
        var c = new OpCase("matmul_small", xs => xs[0].MatMul(xs[1]), [[[7, 33], [33, 5]]], [InputDomain.Normal], SumsOfProducts: true);
        var inputs = Inputs(c);
        double[] a = inputs[0].ToDoubleArray(), b = inputs[1].ToDoubleArray();
        var (output, gradients) = ParityCheck.RoundingAllowance(c, inputs);
        double u = Math.Pow(2, -24);
        for (int i = 0; i < 7; i++)
            for (int j = 0; j < 5; j++)
            {
                double magnitude = 0;
                for (int k = 0; k < 33; k++) magnitude += Math.Abs(a[i * 33 + k] * b[k * 5 + j]);
                Assert.Equal(Math.Sqrt(33) * u * magnitude, output[i * 5 + j], 12);
            }
        // dL/da[i, k] = sum over j of w[i, j] b[k, j], with the loss weights w = 1 + (index mod 5) / 4:
        // n is taken as sum_j w[i, j] (the case on inputs of 1), the magnitude as sum_j w[i, j] |b[k, j]|.
        for (int i = 0; i < 7; i++)
            for (int k = 0; k < 33; k++)
            {
                double terms = 0, magnitude = 0;
                for (int j = 0; j < 5; j++)
                {
                    double w = 1 + (i * 5 + j) % 5 / 4.0;
                    terms += w;
                    magnitude += w * Math.Abs(b[k * 5 + j]);
                }
                Assert.Equal(Math.Sqrt(terms) * u * magnitude, gradients[0][i * 33 + k], 12);
            }
    }

    [Fact]
    public void OneFloat32RunningSum_Passes_ThoughItMissesTheFixedTolerance()
    {
        var inputs = Inputs(LongProduct);
        var expected = LongProduct.Evaluate(inputs);
        var actual = Float32RunningSums(inputs, accumulate: (sum, term) => sum + term, skipK: -1);

        Assert.Null(ParityCheck.FirstMiss(LongProduct, inputs, expected, actual));
        // Without the allowance for sums of products the same values fail: results near zero are off by more
        // than atol + rtol |y|.
        var plain = LongProduct with { SumsOfProducts = false };
        Assert.Contains("forward", ParityCheck.FirstMiss(plain, inputs, expected, actual));
    }

    [Fact]
    public void AProductLeftOut_Fails()
    {
        var inputs = Inputs(LongProduct);
        var actual = Float32RunningSums(inputs, accumulate: (sum, term) => sum + term, skipK: K - 1); // a K loop one short
        Assert.Contains("forward", ParityCheck.FirstMiss(LongProduct, inputs, LongProduct.Evaluate(inputs), actual));
    }

    [Fact]
    public void HalfPrecisionAccumulation_Fails()
    {
        var inputs = Inputs(LongProduct);
        var actual = Float32RunningSums(inputs, accumulate: (sum, term) => (float)(Half)(sum + term), skipK: -1);
        Assert.Contains("forward", ParityCheck.FirstMiss(LongProduct, inputs, LongProduct.Evaluate(inputs), actual));
    }

    // y = a b and the case's gradients (loss weights w: dA = w b^T, dB = a^T w) from the float32 values of the
    // inputs, each output one running sum in index order through accumulate; skipK leaves that k out of y.
    private static (double[] Output, double[][] Gradients) Float32RunningSums(Tensor[] inputs, Func<float, float, float> accumulate, int skipK)
    {
        float[] a = inputs[0].ToDoubleArray().Select(v => (float)v).ToArray(), b = inputs[1].ToDoubleArray().Select(v => (float)v).ToArray();
        var w = new float[M * N];
        for (int i = 0; i < w.Length; i++) w[i] = 1 + i % 5 / 4f;
        var y = new double[M * N];
        var da = new double[M * K];
        var db = new double[K * N];
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                float sum = 0;
                for (int k = 0; k < K; k++)
                    if (k != skipK) sum = accumulate(sum, a[i * K + k] * b[k * N + j]);
                y[i * N + j] = sum;
            }
        for (int i = 0; i < M; i++)
            for (int k = 0; k < K; k++)
            {
                float sum = 0;
                for (int j = 0; j < N; j++) sum += w[i * N + j] * b[k * N + j];
                da[i * K + k] = sum;
            }
        for (int k = 0; k < K; k++)
            for (int j = 0; j < N; j++)
            {
                float sum = 0;
                for (int i = 0; i < M; i++) sum += a[i * K + k] * w[i * N + j];
                db[k * N + j] = sum;
            }
        return (y, [da, db]);
    }
}
