using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The Cpu backend's convolution GEMMs, which read the image through offset tables instead of an
/// im2col matrix (CpuBackend.ConvGemm.cs), against the Reference backend's chunked im2col + matmul in
/// float64, on awkward geometries: batch 1 and odd batches, odd images, 1 and 33 channels, stride,
/// padding and dilation combinations, accumulate on and off, and a yt / dyt that is a column range of a
/// wider matrix (a row stride larger than its width).</summary>
public sealed class CpuConvGemmTests
{
    [Theory]
    [InlineData(1, 1, 7, 7, 1, 3, 3, 1, 0, 1)]
    [InlineData(3, 3, 5, 7, 4, 3, 3, 1, 1, 1)]
    [InlineData(2, 5, 14, 14, 19, 4, 4, 2, 1, 1)]
    [InlineData(1, 33, 9, 11, 7, 2, 3, 2, 2, 2)]
    [InlineData(5, 2, 28, 28, 17, 4, 4, 2, 1, 1)]
    [InlineData(2, 7, 8, 6, 33, 1, 1, 3, 0, 1)]
    public void Im2ColGemms_MatchReference(int n, int c, int h, int w, int k, int r, int s, int stride, int padding, int dilation)
    {
        var g = new ConvGeometry(n, c, h, w, k, r, s, stride, padding, dilation);
        var rng = new Rng(11);
        var x = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        var wm = Tensor.RandN([k, g.PatchSize], rng, backend: Backend.Cpu);
        var dyt = Tensor.RandN([k, g.Columns + 3], rng, backend: Backend.Cpu); // the first g.Columns columns are used
        var start = Tensor.RandN([k, g.Columns], rng, backend: Backend.Cpu);
        var dwStart = Tensor.RandN([k, g.PatchSize], rng, backend: Backend.Cpu);
        var cpu = Backend.Cpu;
        var reference = Backend.Reference;
        Tensor R(Tensor t) => t.To(reference, DType.Float64);

        foreach (bool accumulate in new[] { false, true })
        {
            var yt = start.Clone();
            var ytWant = R(start);
            cpu.Im2ColMatMul(wm, x, yt, g, accumulate);
            reference.Im2ColMatMul(R(wm), R(x), ytWant, g, accumulate);
            Close.Assert(ytWant.ToDoubleArray(), yt.ToDoubleArray(), 1e-4, 1e-4, $"im2col_matmul {g} accumulate={accumulate}");

            var dw = dwStart.Clone();
            var dwWant = R(dwStart);
            var dytView = ColumnsOf(dyt, g.Columns);
            cpu.MatMulIm2ColT(dytView, x, dw, g, accumulate);
            reference.MatMulIm2ColT(R(dyt).Slice(1, 0, g.Columns), R(x), dwWant, g, accumulate);
            Close.Assert(dwWant.ToDoubleArray(), dw.ToDoubleArray(), 1e-4, 1e-4, $"matmul_im2col_t {g} accumulate={accumulate}");
        }
    }

    private static Tensor ColumnsOf(Tensor m, int count) => m.Slice(1, 0, count);
}
