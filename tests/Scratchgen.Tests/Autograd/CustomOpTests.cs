using System.Reflection;
using CustomOpExample;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Autograd;

/// <summary>An op, a layer and a loss written outside the library: examples/custom-op's sources, compiled
/// into this assembly (see the project file) so that every test run checks their math. That they need the
/// public API only is checked where the example builds against the packed library (.ci/examples.sh, and
/// ExamplesTests for how the examples are wired).</summary>
public sealed class CustomOpTests
{
    [Fact]
    public void Example_OpLayerAndLoss_PassGradCheck_AndMatchReferenceOnCpu()
    {
        var passed = Checks.RunAll([Backend.Cpu]);
        Assert.Equal(
            ["swish: gradient", "swish: gradient of gradient", "swish_linear layer: gradients of input, weight and bias",
             "huber loss: gradients of prediction and target", "huber loss: gradient of gradient",
             "cpu: forward and gradients match the Reference backend", "layer + loss: backward reaches the registered parameters"],
            passed);
    }

    [Fact]
    public void MembersAnOpLayerOrLossNeeds_AreReachableFromOutside()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var op = typeof(Op);
        Assert.True(op.IsPublic && op.IsAbstract);
        Assert.True(op.GetMethod("Run", all, Type.EmptyTypes)!.IsPublic);
        Assert.True(op.GetMethod("Forward", all)!.IsFamily);
        Assert.True(op.GetMethod("Backward", all)!.IsPublic);
        Assert.True(op.GetProperty("Inputs", all)!.GetMethod!.IsPublic);
        Assert.True(op.GetConstructor(all, [typeof(Tensor[])])!.IsFamily);
        Assert.True(typeof(Layer).GetMethod("Forward", all)!.IsPublic);
        Assert.True(typeof(Scratchgen.Nn.Module).GetMethod("Parameter", all)!.IsFamily);
        Assert.True(typeof(GradCheck).GetMethod("Assert", all)!.IsPublic);
        Assert.True(typeof(GradCheck).GetMethod("AssertSecondOrder", all)!.IsPublic);
    }

    [Fact]
    public void CustomOp_IsOneNodeOnTheTape_AndRecordsNothingUnderNoGrad()
    {
        var x = Tensor.FromArray([0.5f, -1f], Backend.Cpu).RequireGrad();
        var y = x.Swish();
        var node = Assert.IsType<SwishOp>(y.GradFn);
        Assert.Same(x, node.Inputs[0]); // the Mul and Sigmoid inside Forward left no nodes between
        using (GradMode.NoGrad())
        {
            var z = x.Swish();
            Assert.Null(z.GradFn);
            Assert.False(z.RequiresGrad);
        }
    }

    [Fact]
    public void GradCheck_CatchesAWrongBackwardInACustomOp()
    {
        var x = Tensor.RandN([6], new Rng(5), dtype: DType.Float64, backend: Backend.Reference);
        var e = Assert.Throws<GradCheckException>(() => GradCheck.Assert(xs => new SwishMissingTermOp(xs[0]).Run(), [x]));
        Assert.Contains("gradient of input 0", e.Message);
    }

    [Fact]
    public void Run_RejectsAForwardThatReturnsAnInput()
    {
        var x = Tensor.FromArray([1f], Backend.Cpu).RequireGrad();
        var e = Assert.Throws<InvalidOperationException>(() => new ReturnsInputOp(x).Run());
        Assert.Contains("returned one of its inputs", e.Message);
        Assert.Null(x.GradFn);
    }

    // swish with the x s (1 - s) term of its derivative left out: dx = dy * s (wrong)
    private sealed class SwishMissingTermOp(Tensor x) : Op(x)
    {
        public override string Name => "swish_missing_term";
        protected override Tensor Forward() => Inputs[0].Mul(Inputs[0].Sigmoid());
        public override Tensor?[] Backward(Tensor dOut) => [dOut.Mul(Inputs[0].Sigmoid())];
    }

    private sealed class ReturnsInputOp(Tensor x) : Op(x)
    {
        public override string Name => "returns_input";
        protected override Tensor Forward() => Inputs[0];
        public override Tensor?[] Backward(Tensor dOut) => [dOut];
    }
}
