using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Ops;

/// <summary>Hand-computed answers for the convolution, pooling, upsampling and batch-norm kernels, on every
/// backend. x = [1 2 3; 4 5 6; 7 8 9] and w = [1 2; 3 4] recur; the sums are written out beside each case.</summary>
public abstract class ConvKnownAnswerTests
{
    protected abstract IBackend Backend { get; }

    private Tensor T(float[] v, int[] shape) => Tensor.FromArray(v, shape, Backend);

    private Tensor Image3x3 => T([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);

    private Tensor Kernel2x2 => T([1, 2, 3, 4], [1, 1, 2, 2]);

    [Fact]
    public void Im2Col_3x3Image_2x2Kernel_ListsEachWindow()
    {
        // Row (r, s) holds x[oh + r, ow + s] for the 4 outputs (oh, ow) in row-major order.
        var g = new ConvGeometry(1, 1, 3, 3, 1, 2, 2);
        var cols = Tensor.Zeros([4, 4], backend: Backend);
        Backend.Im2Col(Image3x3, cols, g);
        Assert.Equal([1f, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9], cols.ToArray());
        // col2im of all ones counts how many windows cover each pixel.
        var counts = Tensor.Zeros([1, 1, 3, 3], backend: Backend);
        Backend.Col2Im(Tensor.Ones([4, 4], backend: Backend), counts, g);
        Assert.Equal([1f, 2, 1, 2, 4, 2, 1, 2, 1], counts.ToArray());
    }

    [Fact]
    public void Conv2d_3x3Image_2x2Kernel_WithBias()
    {
        // y00 = 1*1 + 2*2 + 3*4 + 4*5 = 37, y01 = 2 + 6 + 15 + 24 = 47, y10 = 67, y11 = 77; plus b = 1.
        var y = Image3x3.Conv2d(Kernel2x2, T([1], [1]));
        Assert.Equal([1, 1, 2, 2], y.Shape.ToArray());
        Assert.Equal([38f, 48, 68, 78], y.ToArray());
    }

    [Fact]
    public void Conv2d_Stride2Padding1_ReadsZerosInThePadding()
    {
        // Windows start at (-1, -1), (-1, 1), (1, -1), (1, 1):
        // y00 = 4*x00 = 4; y01 = 3*x01 + 4*x02 = 18; y10 = 2*x10 + 4*x20 = 36; y11 = 5 + 12 + 24 + 36 = 77.
        var y = Image3x3.Conv2d(Kernel2x2, stride: 2, padding: 1);
        Assert.Equal([4f, 18, 36, 77], y.ToArray());
    }

    [Fact]
    public void Conv2d_InputGradient_IsTheTransposedConvolution()
    {
        // d(sum y)/dx counts, per pixel, the sum of the kernel taps that touch it: the full correlation
        // of ones(2, 2) with w = [1 3 2; 4 10 6; 3 7 4].
        var x = Image3x3.RequireGrad();
        x.Conv2d(Kernel2x2).Sum().Backward();
        Assert.Equal([1f, 3, 2, 4, 10, 6, 3, 7, 4], x.Grad!.ToArray());
    }

    [Fact]
    public void ConvTranspose2d_Stride1_IsTheFullConvolution()
    {
        // y[i, j] = sum over a, b of x[a, b] w[i - a, j - b] with x = w = [1 2; 3 4].
        var y = T([1, 2, 3, 4], [1, 1, 2, 2]).ConvTranspose2d(Kernel2x2);
        Assert.Equal([1, 1, 3, 3], y.Shape.ToArray());
        Assert.Equal([1f, 4, 4, 6, 20, 16, 9, 24, 16], y.ToArray());
    }

    [Fact]
    public void ConvTranspose2d_Stride2_PlacesScaledKernelCopies()
    {
        // No overlap at stride 2: block (a, b) of the 4x4 output is x[a, b] * w; bias 0.5 everywhere.
        var y = T([1, 2, 3, 4], [1, 1, 2, 2]).ConvTranspose2d(Kernel2x2, T([0.5f], [1]), stride: 2);
        Assert.Equal([1f, 2, 2, 4, 3, 4, 6, 8, 3, 6, 4, 8, 9, 12, 12, 16], y.ToArray().Select(v => v - 0.5f).ToArray());
    }

    [Fact]
    public void Pools_2x2_OnA4x4Image()
    {
        var x = T([1, 5, 2, 0, 3, 4, 8, 1, 0, 9, 2, 2, 7, 1, 3, 6], [1, 1, 4, 4]).RequireGrad();
        var max = x.MaxPool2d(2);
        Assert.Equal([5f, 8, 9, 6], max.ToArray());
        max.Sum().Backward();
        Assert.Equal([0f, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1], x.Grad!.ToArray());
        // (1+5+3+4)/4, (2+0+8+1)/4, (0+9+7+1)/4, (2+2+3+6)/4
        Assert.Equal([3.25f, 2.75f, 4.25f, 3.25f], x.AvgPool2d(2).ToArray());
    }

    [Fact]
    public void UpsampleNearest2d_RepeatsEachPixel()
    {
        var y = T([1, 2, 3, 4], [1, 1, 2, 2]).UpsampleNearest2d(2);
        Assert.Equal([1f, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y.ToArray());
    }

    [Fact]
    public void BatchNorm_TrainingStep_UpdatesRunningStats_AndEvalUsesThem()
    {
        // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        // Channel 1 holds 2, 4, 6, 8: mean 5, biased variance 5, unbiased 20/3.
        var x = T([1, 2, 2, 4, 3, 6, 4, 8], [4, 2]);
        var mean = T([0, 0], [2]);
        var variance = T([1, 1], [2]);
        var y = x.BatchNorm(runningMean: mean, runningVar: variance, training: true, momentum: 0.1);
        Close.Assert([0.25f, 0.5f], mean.ToArray(), 1e-6, 1e-6, "running mean = 0.9 * 0 + 0.1 * mean");
        Close.Assert([0.9f + 0.1f * 5 / 3f, 0.9f + 0.1f * 20 / 3f], variance.ToArray(), 1e-6, 1e-6, "running var = 0.9 * 1 + 0.1 * unbiased var");
        // Normalized with the biased variance: channel 0, x = 1 -> (1 - 2.5) / sqrt(1.25 + 1e-5).
        Close.Assert([(float)(-1.5 / Math.Sqrt(1.25 + 1e-5)), (float)(-3 / Math.Sqrt(5 + 1e-5))], y.ToArray()[..2], 1e-5, 1e-5, "training output");

        // Eval: (x - running mean) / sqrt(running var + eps) * gamma + beta.
        var gamma = T([2, 3], [2]);
        var beta = T([1, -1], [2]);
        var e = x.BatchNorm(gamma, beta, mean, variance, training: false).ToArray();
        double v0 = 0.9 + 0.1 * 5 / 3.0, v1 = 0.9 + 0.1 * 20 / 3.0;
        Close.Assert([(float)((1 - 0.25) / Math.Sqrt(v0 + 1e-5) * 2 + 1), (float)((2 - 0.5) / Math.Sqrt(v1 + 1e-5) * 3 - 1)], e[..2], 1e-5, 1e-5, "eval output");
        Close.Assert([0.25f, 0.5f], mean.ToArray(), 1e-6, 1e-6, "eval leaves the running mean alone");
    }

    [Fact]
    public void ShapeErrors_NameTheOpAndTheShapes()
    {
        var x = Tensor.Zeros([1, 3, 5, 5], backend: Backend);
        var e = Assert.Throws<ShapeException>(() => x.Conv2d(Tensor.Zeros([4, 2, 3, 3], backend: Backend)));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("(1, 3, 5, 5)", e.Message);
        Assert.Contains("(4, 2, 3, 3)", e.Message);
        Assert.Throws<ShapeException>(() => x.Conv2d(Tensor.Zeros([4, 3, 7, 7], backend: Backend)));
        Assert.Throws<ShapeException>(() => x.ConvTranspose2d(Tensor.Zeros([3, 2, 3, 3], backend: Backend), stride: 2, outputPadding: 2));
        Assert.Throws<ShapeException>(() => Tensor.Zeros([4, 3, 5], backend: Backend).BatchNorm());
    }
}

public sealed class CpuConvKnownAnswerTests : ConvKnownAnswerTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;
}

public sealed class ReferenceConvKnownAnswerTests : ConvKnownAnswerTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Reference;
}
