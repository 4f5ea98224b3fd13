using Scratchgen.Backends;
using Scratchgen.Backends.Cpu.Conv;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The direct-convolution variant (measured, not used by the ops) against the Reference conv2d,
/// on shapes with a short last pixel tile and a partial 16-channel block.</summary>
public sealed class CpuDirectConvTests
{
    [SkippableTheory]
    [InlineData(2, 3, 5, 7, 4, 3, 3, 1, 1, 1)]
    [InlineData(3, 5, 14, 14, 19, 4, 4, 2, 1, 1)]
    [InlineData(2, 4, 11, 9, 33, 3, 2, 2, 2, 2)]
    public void Forward_MatchesReference(int n, int c, int h, int w, int k, int r, int s, int stride, int padding, int dilation)
    {
        Skip.IfNot(System.Runtime.Intrinsics.X86.Fma.IsSupported, "the direct convolution needs FMA, which this CPU lacks");
        var rng = new Rng(3);
        var x = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        var wt = Tensor.RandN([k, c, r, s], rng, backend: Backend.Cpu);
        var b = Tensor.RandN([k], rng, backend: Backend.Cpu);
        var g = new ConvGeometry(n, c, h, w, k, r, s, stride, padding, dilation);
        var y = new float[n * k * g.Positions];
        CpuDirectConv.Forward(x.ToArray(), wt.ToArray(), b.ToArray(), y, g);
        var reference = x.To(Backend.Reference, DType.Float64)
            .Conv2d(wt.To(Backend.Reference, DType.Float64), b.To(Backend.Reference, DType.Float64), stride, padding, dilation);
        Close.Assert(reference.ToDoubleArray(), y.Select(v => (double)v).ToArray(), 1e-4, 1e-4, "direct conv forward");
    }
}
