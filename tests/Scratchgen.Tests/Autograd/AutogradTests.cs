using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Autograd;

public sealed class AutogradTests
{
    private static Tensor Vec(params float[] v) => Tensor.FromArray(v, Backend.Cpu).RequireGrad();

    [Fact]
    public void Backward_TensorUsedTwice_GetsBothContributions()
    {
        // y = x * x + x  => dy/dx = 2x + 1
        var x = Vec(1.5f, -2f);
        x.Mul(x).Add(x).Sum().Backward();
        Assert.Equal([4f, -3f], x.Grad!.ToArray());
    }

    [Fact]
    public void Backward_CalledTwice_AccumulatesIntoGrad_AndZeroGradClears()
    {
        var x = Vec(3f);
        x.Mul(2).Sum().Backward();
        x.Mul(5).Sum().Backward();
        Assert.Equal([7f], x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_GradientOfAddDoesNotAliasBetweenLeaves()
    {
        // add returns dOut for both inputs; in-place accumulation into a's Grad must not change b's.
        var a = Vec(1f);
        var b = Vec(2f);
        a.Add(b).Sum().Backward();
        a.Mul(10).Sum().Backward();
        Assert.Equal([11f], a.Grad!.ToArray());
        Assert.Equal([1f], b.Grad!.ToArray());
    }

    [Fact]
    public void Detach_StopsGradient()
    {
        var x = Vec(2f);
        var y = x.Mul(x.Detach()).Sum();
        y.Backward();
        Assert.Equal([2f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGrad_RecordsNothing_AndRestoresOnDispose()
    {
        var x = Vec(2f);
        Tensor y;
        using (GradMode.NoGrad())
        {
            y = x.Mul(3);
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFn);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void Backward_NonScalarWithoutGradient_NamesShape()
    {
        var x = Vec(1f, 2f);
        var ex = Assert.Throws<ShapeException>(() => x.Mul(2).Backward());
        Assert.Contains("(2)", ex.Message);
    }

    [Fact]
    public void Backward_WithExplicitGradient_UsesIt()
    {
        var x = Vec(1f, 2f);
        x.Mul(3).Backward(Tensor.FromArray([1f, 10f], [2], Backend.Cpu));
        Assert.Equal([3f, 30f], x.Grad!.ToArray());
    }

    [Fact]
    public void GradientsOf_LeavesGradUntouched_AndSupportsSecondDerivative()
    {
        // y = x^3: dy/dx = 3x^2, d2y/dx2 = 6x; at x = 3 they differ (27 and 18), so a second derivative
        // that returned the first (or y) would fail.
        var x = Tensor.FromArray([3.0], [1], DType.Float64, Backend.Reference).RequireGrad();
        var dy = Gradients.Of(x.Pow(3).Sum(), [x], createGraph: true)[0];
        Assert.Equal(27.0, dy.Item(), 10);
        Assert.Null(x.Grad);
        var d2y = Gradients.Of(dy.Sum(), [x])[0];
        Assert.Equal(18.0, d2y.Item(), 10);
    }

    [Fact]
    public void RequiresGrad_CannotBeClearedOnNonLeaf()
    {
        var y = Vec(1f).Mul(2);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
    }

    [Fact]
    public void Trace_ReportsStepsInReverseOrder_AndAccumulation()
    {
        var x = Vec(1f, 2f);
        var h = x.Tanh();
        var loss = h.Mul(h).Sum();
        var steps = new List<BackwardStep>();
        Gradients.Trace(loss, steps.Add);
        Assert.Equal(["sum", "mul", "tanh"], steps.Select(s => s.Op.Name));
        Assert.True(steps[1].Accumulated[1], "h is used twice by mul: its second gradient must be reported as accumulated");
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("log")]
    [InlineData("sqrt")]
    [InlineData("pow")]
    [InlineData("pow_fractional")]
    [InlineData("abs")]
    [InlineData("clamp")]
    [InlineData("relu")]
    [InlineData("leaky_relu")]
    [InlineData("elu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    [InlineData("softplus")]
    [InlineData("mul_scalar")]
    public void UnaryOp_FusedBackward_AgreesWithComposite(string op)
    {
        var c = OpCases.Get(op);
        foreach (var backend in new[] { Backend.Cpu, Backend.Reference })
        {
            var fused = Grad(c, backend, composite: false);
            var composite = Grad(c, backend, composite: true);
            Close.Assert(composite, fused, 1e-6, 1e-5, $"{op} on {backend.Name}");
        }
    }

    private static float[] Grad(OpCase c, IBackend backend, bool composite)
    {
        var x = c.MakeInputs(5, seed: 3, DType.Float32, backend)[0].RequireGrad();
        UnaryBackward.ForceComposite = composite;
        try { c.F([x]).Sum().Backward(); }
        finally { UnaryBackward.ForceComposite = false; }
        return x.Grad!.ToArray();
    }
}
