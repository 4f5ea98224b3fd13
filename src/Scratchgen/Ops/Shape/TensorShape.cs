using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Shape ops. Reshape, permute, transpose, slice and expand are views (no copy).</summary>
public static class TensorShape
{
    /// <summary>Same elements, new shape; one entry may be -1. A view when x is contiguous.</summary>
    public static Tensor Reshape(this Tensor x, int[] shape)
    {
        var resolved = ReshapeOp.Resolve(x.Dims, shape);
        return Shapes.Equal(resolved, x.Dims) ? x : new ReshapeOp(x, resolved).Run();
    }

    /// <summary>(N, ...) to (N, rest).</summary>
    public static Tensor Flatten(this Tensor x) => x.Reshape([x.Dims[0], -1]);

    /// <summary>A view with a new axis of size 1 at <paramref name="axis"/>.</summary>
    public static Tensor Unsqueeze(this Tensor x, int axis)
    {
        int a = Shapes.NormalizeAxis("unsqueeze", axis, x.Rank + 1);
        return x.Reshape([.. x.Dims[..a], 1, .. x.Dims[a..]]);
    }

    /// <summary>A view without <paramref name="axis"/>, which must have size 1.</summary>
    public static Tensor Squeeze(this Tensor x, int axis)
    {
        int a = Shapes.NormalizeAxis("squeeze", axis, x.Rank);
        if (x.Dims[a] != 1) throw new ShapeException("squeeze", $"axis {axis} of shape {Shapes.Format(x.Dims)} has size {x.Dims[a]}, not 1");
        return x.Reshape([.. x.Dims[..a], .. x.Dims[(a + 1)..]]);
    }

    /// <summary>A view with the axes reordered: output axis i is input axis axes[i].</summary>
    public static Tensor Permute(this Tensor x, params int[] axes) => new PermuteOp(x, PermuteOp.Validate(axes, x.Rank)).Run();

    /// <summary>A view with two axes swapped.</summary>
    public static Tensor Transpose(this Tensor x, int axis0, int axis1)
    {
        int a = Shapes.NormalizeAxis("transpose", axis0, x.Rank), b = Shapes.NormalizeAxis("transpose", axis1, x.Rank);
        var axes = Enumerable.Range(0, x.Rank).ToArray();
        (axes[a], axes[b]) = (axes[b], axes[a]);
        return new PermuteOp(x, axes).Run();
    }

    /// <summary>The transpose of a matrix.</summary>
    public static Tensor T(this Tensor x) =>
        x.Rank == 2 ? x.Transpose(0, 1) : throw new ShapeException("T", $"expects a matrix, got shape {Shapes.Format(x.Dims)}");

    /// <summary>x[..., start:end, ...] along one axis (end exclusive; negative values count from the end).</summary>
    public static Tensor Slice(this Tensor x, int axis, int start, int end)
    {
        int a = Shapes.NormalizeAxis("slice", axis, x.Rank), size = x.Dims[a];
        int s = start < 0 ? start + size : start, e = end < 0 ? end + size : end;
        if (s < 0 || e > size || s > e)
            throw new ShapeException("slice", $"range [{start}, {end}) is out of bounds for axis {axis} of size {size} in shape {Shapes.Format(x.Dims)}");
        return new SliceOp(x, a, s, e - s).Run();
    }

    /// <summary>Broadcast to a larger shape without copying.</summary>
    public static Tensor Expand(this Tensor x, int[] shape) =>
        Shapes.Equal(x.Dims, shape) ? x : new ExpandOp(x, shape).Run();

    /// <summary>x itself when contiguous, else a contiguous copy.</summary>
    public static Tensor Contiguous(this Tensor x) => x.IsContiguous ? x : new CopyOp(x).Run();

    /// <summary>A contiguous copy that shares nothing with x.</summary>
    public static Tensor Clone(this Tensor x) => new CopyOp(x).Run();

    /// <summary>The tensors joined along <paramref name="axis"/>; every other axis must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> xs, int axis)
    {
        if (xs.Count == 0) throw new ArgumentException("concat: needs at least one tensor");
        return new ConcatOp([.. xs], Shapes.NormalizeAxis("concat", axis, xs[0].Rank)).Run();
    }

    /// <summary>Joins same-shaped tensors along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> xs, int axis = 0)
    {
        if (xs.Count == 0) throw new ArgumentException("stack: needs at least one tensor");
        foreach (var x in xs)
            if (!Shapes.Equal(x.Dims, xs[0].Dims))
                throw new ShapeException("stack", $"shapes {Shapes.Format(xs[0].Dims)} and {Shapes.Format(x.Dims)} differ");
        int a = Shapes.NormalizeAxis("stack", axis, xs[0].Rank + 1);
        return Concat(xs.Select(x => x.Unsqueeze(a)).ToArray(), a);
    }

    /// <summary>torch.gather: y[i] = x[i with i[axis] = index[i]]; index has shape indexShape (x's rank).</summary>
    public static Tensor Gather(this Tensor x, int axis, int[] index, int[] indexShape) =>
        new GatherOp(x, Shapes.NormalizeAxis("gather", axis, x.Rank), index, indexShape).Run();

    /// <summary>Rows (or slices along an axis) picked by index: y has x's shape with axis resized to index.Length.</summary>
    public static Tensor IndexSelect(this Tensor x, int axis, int[] index)
    {
        int a = Shapes.NormalizeAxis("index_select", axis, x.Rank);
        var shape = (int[])x.Dims.Clone();
        shape[a] = index.Length;
        // Expand the 1-D index to the output shape: position p takes index[p's coordinate on axis].
        var full = new int[Shapes.Numel(shape)];
        int inner = 1;
        for (int d = a + 1; d < shape.Length; d++) inner *= shape[d];
        for (int p = 0; p < full.Length; p++) full[p] = index[p / inner % index.Length];
        return x.Gather(a, full, shape);
    }

    /// <summary>A view with another shape, not recorded; x must be contiguous.</summary>
    internal static Tensor ViewAs(this Tensor x, int[] shape)
    {
        if (!x.IsContiguous) throw new InvalidOperationException($"ViewAs: {x.Describe()} is not contiguous");
        if (Shapes.Numel(shape) != x.Numel) throw new ShapeException("view", $"cannot view {Shapes.Format(x.Dims)} as {Shapes.Format(shape)}");
        return new Tensor(x.Storage, shape, Shapes.ContiguousStrides(shape), x.Offset);
    }
}
