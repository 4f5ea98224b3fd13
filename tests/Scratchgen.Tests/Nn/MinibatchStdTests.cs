using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Nn;

public sealed class MinibatchStdTests
{
    [Fact]
    public void Rows_GetTheBatchsMeanStandardDeviationAppended()
    {
        // Feature 0: 1, 3 (std 1); feature 1: 2, 8 (std 3): s = (1 + 3) / 2 = 2.
        var x = Tensor.FromArray([1f, 2f, 3f, 8f], [2, 2]);
        Assert.Equal([1f, 2f, 2f, 3f, 8f, 2f], new MinibatchStd().Forward(x).ToArray());
        // Identical rows (a collapsed batch) get ~0.
        var same = new MinibatchStd().Forward(Tensor.FromArray([5f, 5f, 5f, 5f], [2, 2])).ToArray();
        Assert.InRange(same[2], 0f, 1e-3f);
    }

    [Fact]
    public void Images_GetAConstantPlane()
    {
        var x = Tensor.RandN([3, 2, 4, 5], new Rng(1));
        var y = new MinibatchStd().Forward(x);
        Assert.Equal([3, 3, 4, 5], y.Dims.ToArray());
        var plane = y.Slice(1, 2, 3).Contiguous().ToArray();
        Assert.All(plane, v => Assert.Equal(plane[0], v));
        Assert.True(plane[0] > 0.3f);
    }

    [Fact]
    public void Forward_Backward_MatchesFiniteDifferences()
    {
        var x = Tensor.RandN([4, 3], new Rng(2), dtype: DType.Float64, backend: Backend.Reference);
        var r = Tensor.RandN([4, 4], new Rng(3), dtype: DType.Float64, backend: Backend.Reference);
        GradCheck.Assert(xs => new MinibatchStd().Forward(xs[0]).Mul(r).Sum(), [x]);
    }
}
