using System.Numerics;
using System.Runtime.Intrinsics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = sum of x over the given axes (kept as size 1 when keepdim)
// dx = dy broadcast back over the summed axes
public readonly struct SumFn : IReduceFn
{
    public T Identity<T>() where T : struct, IFloatingPointIeee754<T> => T.Zero;
    public T Load<T>(T x) where T : struct, IFloatingPointIeee754<T> => x;
    public Vector256<float> Load(Vector256<float> x) => x;
    public T Combine<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => a + b;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => a + b;
    public float Horizontal(Vector256<float> v) => Vector256.Sum(v);
}

// y = sum of x^2 (a squared L2 norm): gradient norms and finiteness checks without a temporary x^2 tensor.
// Not an op on the tape: optimizers and clipping call the backend's Reduce with it directly.
public readonly struct SumSquaresFn : IReduceFn
{
    public T Identity<T>() where T : struct, IFloatingPointIeee754<T> => T.Zero;
    public T Load<T>(T x) where T : struct, IFloatingPointIeee754<T> => x * x;
    public Vector256<float> Load(Vector256<float> x) => x * x;
    public T Combine<T>(T a, T b) where T : struct, IFloatingPointIeee754<T> => a + b;
    public Vector256<float> Combine(Vector256<float> a, Vector256<float> b) => a + b;
    public float Horizontal(Vector256<float> v) => Vector256.Sum(v);
}

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
