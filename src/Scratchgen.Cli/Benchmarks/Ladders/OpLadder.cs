using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Cli.Benchmarks.Ladders;

/// <summary>A family whose rungs are the backends' kernels behind one op: each backend runs <see cref="Apply"/>
/// on its own tensors, and the Reference backend runs it in float64 for the reference.</summary>
internal abstract class OpLadder : KernelLadder
{
    /// <summary>The rung's name in the tables (the op, e.g. conv2d).</summary>
    protected abstract string OpName { get; }

    /// <summary>The op on the problem's inputs as tensors (of <see cref="InputShapes"/>) and the problem's shape.</summary>
    protected abstract Tensor Apply(Tensor[] inputs, int[] shape);

    /// <summary>The tensor shape of each input of a problem.</summary>
    protected abstract int[][] InputShapes(LadderProblem p);

    public override IEnumerable<Rung> Rungs(IReadOnlyList<string> backends)
    {
        foreach (var name in backends)
            if (LadderBackends.Get(name, out _) is { } backend)
                yield return LadderBackends.OpRung(OpName, name, backend, Apply, InputShapes);
    }

    /// <summary>The op in float64 on the Reference backend, on the inputs mapped by `f` (|x| gives the sums of
    /// |terms| a rounding allowance needs).</summary>
    protected double[] InFloat64(LadderProblem p, Func<double, double>? f = null)
    {
        var shapes = InputShapes(p);
        var inputs = p.Inputs.Select((x, i) =>
            Tensor.FromArray(x.Select(v => f == null ? v : f(v)).ToArray(), shapes[i], DType.Float64, Backend.Reference)).ToArray();
        return Apply(inputs, p.Shape).ToDoubleArray();
    }
}
