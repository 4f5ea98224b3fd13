using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>
/// A backend's kernels, forward and backward, against the Reference backend on every op of the
/// catalog and every shape set (awkward sizes, broadcasting, large odd sizes that exercise the vector
/// tails and the multithreaded paths). The same float32 inputs go to both; the Reference computes in
/// float64, so the tolerance only has to absorb float32 rounding in the backend under test: atol 2e-5 and
/// rtol 2e-4, plus, for sums of products, the rounding bound of ParityCheck.
/// One thin subclass per backend supplies it.
/// </summary>
public abstract class BackendParityTests
{
    protected abstract IBackend Backend { get; }

    /// <summary>Why this backend does not compare the shape set on this machine (no device, over an element
    /// cap, an op it does not cover), or null when it does. A case with a reason is reported as skipped
    /// with it, never as passed.</summary>
    private protected virtual string? NotComparedHere(OpCase c, int shapeSet) => null;

    [SkippableTheory]
    [MemberData(nameof(OpCases.AllSets), MemberType = typeof(OpCases))]
    public void Op_ForwardAndBackward_MatchReference(string op, int shapeSet)
    {
        var c = OpCases.Get(op);
        string? why = NotComparedHere(c, shapeSet);
        Skip.If(why != null, why);
        var inputs = c.MakeInputs(shapeSet, seed: 4321, DType.Float32, Backend);
        var reference = inputs.Select(t => t.To(Scratchgen.Backends.Backend.Reference, DType.Float64)).ToArray();

        var actual = c.Evaluate(inputs);
        var expected = c.Evaluate(reference);

        string? miss = ParityCheck.FirstMiss(c, reference, expected, actual);
        Assert.True(miss == null, $"{op} set {shapeSet} on {Backend.Name}: {miss}");
    }
}

public sealed class CpuBackendParityTests : BackendParityTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;
}
