using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The convolution with its bias on ILGPU (ConvGemmLowering.Im2ColMatMulBias: the bias added in the lowering's
/// last reorder) against the default (the bias copied into y, then the GEMM accumulating onto it) on the same private
/// CPU-accelerator backend: the same bits, in fewer launches, with one chunk and with several (2 MB of columns),
/// strided and padded geometries; and against the Reference's conv2d in float64.</summary>
public sealed class IlgpuConvBiasTests
{
    [Theory]
    [InlineData(1, 1, 5, 5, 1, 3, 1, 0)]
    [InlineData(3, 2, 7, 7, 5, 3, 2, 1)]
    [InlineData(2, 3, 8, 6, 7, 4, 2, 1)]
    [InlineData(40, 8, 14, 14, 4, 3, 1, 1)] // 40 images of 14,112 column floats: two chunks of 2 MB
    public void ConvWithBias_IsTheDefaultsBits_InThreeLaunchesAChunk(int n, int c, int h, int w, int k, int r, int stride, int pad)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var g = new ConvGeometry(n, c, h, w, k, r, r, stride, pad);
        var rng = new Rng(41);
        var x = Tensor.RandN([n, c, h, w], rng, backend: backend);
        var weights = Tensor.RandN([k, c * r * r], rng, backend: backend);
        var bias = Tensor.RandN([k], rng, backend: backend);
        var (fused, composite) = (Tensor.Zeros([n, k, g.OH, g.OW], backend: backend), Tensor.Zeros([n, k, g.OH, g.OW], backend: backend));
        int chunks = (int)Math.Ceiling(n / (double)ConvGemmLowering.ChunkImages(g, backend.ConvScratchFloats));

        long before = backend.KernelLaunches;
        backend.Im2ColMatMulBias(weights, x, bias, fused, g);
        Assert.Equal(3 * chunks, backend.KernelLaunches - before);
        before = backend.KernelLaunches;
        backend.Copy(ConvLowering.BiasPlanes(bias, composite.Dims), composite);
        ConvGemmLowering.ChunkedIm2ColMatMul(backend, weights, x, composite, g, accumulate: true, bias: null);
        Assert.Equal(1 + 4 * chunks, backend.KernelLaunches - before);
        Assert.Equal(composite.ToArray(), fused.ToArray());

        var reference = Tensor.FromArray(x.ToArray(), [n, c, h, w], Backend.Reference).Conv2d(
            Tensor.FromArray(weights.ToArray(), [k, c, r, r], Backend.Reference), Tensor.FromArray(bias.ToArray(), [k], Backend.Reference), stride, pad);
        Close.Assert(reference.ToArray(), fused.ToArray(), 1e-4, 1e-4, "conv2d + bias against the Reference");
    }

    [Theory]
    [InlineData(1, 1, 5, 5, 1, 3, 1, 0, true)]
    [InlineData(3, 2, 7, 7, 5, 3, 2, 1, false)]
    [InlineData(2, 3, 8, 6, 7, 4, 2, 1, true)]
    [InlineData(40, 8, 14, 14, 4, 3, 1, 1, false)] // two chunks
    [InlineData(40, 8, 14, 14, 4, 3, 1, 1, true)]
    public void TransposedConvWrittenInFull_IsTheDefaultsBits_WithoutAFillFirst(int n, int c, int h, int w, int k, int r, int stride, int pad, bool withBias)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var g = new ConvGeometry(n, c, h, w, k, r, r, stride, pad);
        var rng = new Rng(42);
        var x = Tensor.RandN([n, k, g.OH, g.OW], rng, backend: backend);
        var weights = Tensor.RandN([k, c * r * r], rng, backend: backend);
        var bias = withBias ? Tensor.RandN([c], rng, backend: backend) : null;
        // The pool's buffers hold NaN: a value the kernel failed to write would show.
        var (fused, composite) = (Tensor.Full([n, c, h, w], double.NaN, backend: backend), Tensor.Full([n, c, h, w], double.NaN, backend: backend));
        int chunks = (int)Math.Ceiling(n / (double)ConvGemmLowering.ChunkImages(g, backend.ConvScratchFloats));

        long before = backend.KernelLaunches;
        backend.Col2ImMatMulInto(weights, x, bias, fused, g);
        Assert.Equal(3 * chunks, backend.KernelLaunches - before);
        before = backend.KernelLaunches;
        if (bias != null) backend.Copy(ConvLowering.BiasPlanes(bias, composite.Dims), composite);
        else backend.Fill(composite, 0);
        ConvGemmLowering.ChunkedCol2ImMatMul(backend, weights, x, composite, g, backend.Col2Im);
        Assert.Equal(1 + 3 * chunks, backend.KernelLaunches - before);
        Assert.Equal(composite.ToArray(), fused.ToArray());

        var reference = Tensor.FromArray(x.ToArray(), [n, k, g.OH, g.OW], Backend.Reference).ConvTranspose2d(
            Tensor.FromArray(weights.ToArray(), [k, c, r, r], Backend.Reference), bias == null ? null : Tensor.FromArray(bias.ToArray(), [c], Backend.Reference),
            stride, pad);
        Close.Assert(reference.ToArray(), fused.ToArray(), 1e-4, 1e-4, "conv_transpose2d against the Reference");
    }
}
