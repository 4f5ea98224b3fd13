using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>SumLowering.ZipSum and MapSum on ILGPU (IFusedSums (ReduceKernels.SumOf: a mean loss in one launch) against the default
/// Zip or Map, Reduce and MulScalar Map on the same backend, bit for bit, and against the formula in float64; on a
/// private CPU-accelerator backend (launches are counted; groups of 16 threads, so the one-group kernel takes up
/// to 1,023 values and longer inputs fall back to the default, whose Reduce then takes two stages).</summary>
public sealed class IlgpuSumOfTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 1)]
    [InlineData(33, 1)]
    [InlineData(128, 1)]
    [InlineData(17, 15)]
    [InlineData(40, 25)]   // 1,000 values: the last length in one group
    [InlineData(64, 17)]   // 1,088 values: the default, with a two-stage Reduce (four launches)
    public void BceMean_IsTheDefaultsBits_InOneLaunch(int rows, int cols)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(31);
        var logits = Tensor.RandN([cols, rows], rng, std: 3, backend: backend).Transpose(0, 1); // strided
        var targets = Tensor.Rand([rows, 1], rng, backend: backend).BroadcastView([rows, cols]); // a zero stride
        var (fused, composite) = (Tensor.Zeros([], backend: backend), Tensor.Zeros([], backend: backend));
        double scale = 1.0 / (rows * cols);
        long before = backend.KernelLaunches;
        backend.ZipSum(logits, targets, fused, default(BceWithLogitsFn), scale);
        Assert.Equal(rows * cols < 64 * 16 ? 1 : 4, backend.KernelLaunches - before);
        SumLowering.ComposedZipSum(backend, logits, targets, composite, default(BceWithLogitsFn), scale);
        Assert.Equal(composite.ToArray(), fused.ToArray());

        var (x, t) = (logits.ToArray(), targets.ToArray());
        double expected = x.Select((v, i) => Math.Max(v, 0) - (double)v * t[i] + Math.Log(1 + Math.Exp(-Math.Abs(v)))).Sum() * scale;
        Assert.Equal(expected, fused.ToArray()[0], 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(1024)]
    public void MeanOfSigmoid_IsTheDefaultsBits_InOneLaunch(int n)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var x = Tensor.RandN([n, 1], new Rng(32), std: 2, backend: backend);
        var (fused, composite) = (Tensor.Zeros([1], backend: backend), Tensor.Zeros([1], backend: backend));
        long before = backend.KernelLaunches;
        backend.MapSum(x, fused, default(SigmoidFn), 1.0 / n);
        Assert.Equal(n < 64 * 16 ? 1 : 4, backend.KernelLaunches - before);
        SumLowering.ComposedMapSum(backend, x, composite, default(SigmoidFn), 1.0 / n);
        Assert.Equal(composite.ToArray(), fused.ToArray());
        Assert.Equal(x.ToArray().Average(v => 1 / (1 + Math.Exp(-v))), x.MeanOf(default(SigmoidFn)), 1e-6);
    }

    [Fact]
    public void SumOf_RefusesAnOutputOfMoreThanOneElement()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var x = Tensor.RandN([4], new Rng(33), backend: backend);
        var e = Assert.Throws<ShapeException>(() => backend.MapSum(x, Tensor.Zeros([2], backend: backend), default(SigmoidFn), 1));
        Assert.Contains("one element", e.Message);
    }
}
