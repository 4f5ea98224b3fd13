using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Autograd;

/// <summary>Every op of the catalog against central finite differences, in float64 on the Reference
/// backend, for every input (both sides of a binary op, weight and bias) and every small shape set.</summary>
public sealed class OpGradientTests
{
    [Theory]
    [MemberData(nameof(OpCases.GradCheckSets), MemberType = typeof(OpCases))]
    public void Op_Backward_MatchesFiniteDifferences(string op, int shapeSet)
    {
        var c = OpCases.Get(op);
        var inputs = c.MakeInputs(shapeSet, seed: 1234, DType.Float64, Backend.Reference);
        GradCheck.Assert(c.F, inputs);
    }

    [Theory]
    [MemberData(nameof(OpCases.SecondOrderSets), MemberType = typeof(OpCases))]
    public void Op_GradientOfGradient_MatchesFiniteDifferences(string op, int shapeSet)
    {
        var c = OpCases.Get(op);
        var inputs = c.MakeInputs(shapeSet, seed: 99, DType.Float64, Backend.Reference);
        GradCheck.AssertSecondOrder(c.F, inputs);
    }

    [Fact]
    public void GradCheck_WrongBackwardRule_IsCaught()
    {
        // A deliberately wrong rule (d/dx x^2 = x instead of 2x), built from ops whose backward is
        // correct: x * x.Detach() has gradient x, not 2x. The check must fail.
        var x = Tensor.FromArray([0.5, -1.25, 2.0], [3], DType.Float64, Backend.Reference);
        Assert.Throws<GradCheckException>(() => GradCheck.Assert(xs => xs[0].Mul(xs[0].Detach()), [x]));
    }

    [Fact]
    public void GradCheck_Report_GivesBothValuesAtTheWorstElement()
    {
        // With the wrong rule the analytic gradient is exactly half the true one at every element.
        var x = Tensor.FromArray([0.5, -1.25, 2.0], [3], DType.Float64, Backend.Reference);
        var r = GradCheck.Run(xs => xs[0].Mul(xs[0].Detach()), [x])[0];
        Assert.False(r.Passed);
        Assert.InRange(r.WorstIndex, 0, 2);
        Assert.Equal(r.Numeric, 2 * r.Analytic, 6);
        Assert.True(Math.Abs(r.Numeric) > 0.1);
    }
}
