using System.Runtime.Intrinsics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = sum of x over the given axes (kept as size 1 when keepdim)
// dx = dy broadcast back over the summed axes
internal sealed class SumOp(Tensor x, int[] axes, bool keepdim) : Op(x)
{
    public override string Name => "sum";
    public override string Rule => "dx = dy broadcast over the summed axes";

    protected override Tensor Forward()
    {
        var kept = ReduceShapes.KeptShape(x.Dims, axes);
        var y = NewOverwrittenOutput(kept); // Reduce writes every output
        Backend.Reduce(x, y, default(SumFn));
        return keepdim ? y : y.Detach().ViewAs(ReduceShapes.DroppedShape(x.Dims, axes));
    }

    public override Tensor?[] Backward(Tensor dOut) =>
        [dOut.Reshape(ReduceShapes.KeptShape(x.Dims, axes)).Expand(x.Dims)];
}

/// <summary>Shape helpers shared by the reductions.</summary>
internal static class ReduceShapes
{
    /// <summary>x's shape with each reduced axis set to 1.</summary>
    public static int[] KeptShape(int[] shape, int[] axes)
    {
        var kept = (int[])shape.Clone();
        foreach (int a in axes) kept[a] = 1;
        return kept;
    }

    /// <summary>x's shape without the reduced axes.</summary>
    public static int[] DroppedShape(int[] shape, int[] axes) =>
        shape.Where((_, i) => !axes.Contains(i)).ToArray();

    /// <summary>Normalizes axes (negative allowed); null or empty means all axes.</summary>
    public static int[] Axes(string op, int[]? axes, int rank)
    {
        if (axes == null || axes.Length == 0) return Enumerable.Range(0, rank).ToArray();
        var result = axes.Select(a => Shapes.NormalizeAxis(op, a, rank)).Distinct().Order().ToArray();
        if (result.Length != axes.Length) throw new ShapeException(op, $"axes ({string.Join(", ", axes)}) repeat an axis");
        return result;
    }

    /// <summary>Number of elements folded into each output element.</summary>
    public static int Count(int[] shape, int[] axes) => axes.Aggregate(1, (n, a) => n * shape[a]);
}
