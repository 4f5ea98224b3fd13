using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a @ b over the last two axes, batch axes broadcast as in NumPy:
//   a: (..., M, K), b: (..., K, N) -> y: (..., M, N)
// da = dy @ b^T,  db = a^T @ dy   (transposes are views; the engine sums broadcast batch axes)
internal sealed class MatMulOp(Tensor a, Tensor b) : Op(a, b)
{
    public override string Name => "matmul";
    public override string Rule => "da = dy @ b^T, db = a^T @ dy";

    protected override Tensor Forward()
    {
        if (a.Rank < 2 || b.Rank < 2 || a.Dims[^1] != b.Dims[^2])
            throw new ShapeException("matmul", $"shapes {Shapes.Format(a.Dims)} and {Shapes.Format(b.Dims)} do not chain (need (..., M, K) @ (..., K, N))");
        var batch = Shapes.Broadcast("matmul", a.Dims[..^2], b.Dims[..^2]);
        int m = a.Dims[^2], k = a.Dims[^1], n = b.Dims[^1];
        var y = NewOverwrittenOutput([.. batch, m, n]);
        int count = Shapes.Numel(batch);
        Backend.MatMul(As3D(a, batch, m, k), As3D(b, batch, k, n), y.ViewAs([count, m, n]), accumulate: false);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) =>
    [
        a.RequiresGrad ? dOut.MatMul(b.Transpose(-1, -2)) : null,
        b.RequiresGrad ? a.Transpose(-1, -2).MatMul(dOut) : null,
    ];

    /// <summary>t broadcast to (batch..., rows, cols) and seen as (count, rows, cols): a view when the
    /// batch axes merge into one stride (each outer stride = inner stride * inner size), else a copy.</summary>
    internal static Tensor As3D(Tensor t, int[] batch, int rows, int cols)
    {
        var expanded = t.BroadcastView([.. batch, rows, cols]);
        int count = Shapes.Numel(batch);
        var axes = Enumerable.Range(0, batch.Length).Where(i => expanded.Dims[i] > 1).ToArray();
        for (int j = 0; j + 1 < axes.Length; j++)
        {
            int outer = axes[j], inner = axes[j + 1];
            if (expanded.StrideArray[outer] != expanded.StrideArray[inner] * expanded.Dims[inner])
                return expanded.Detach().Clone().ViewAs([count, rows, cols]);
        }
        int batchStride = axes.Length > 0 ? expanded.StrideArray[axes[^1]] : 0;
        int r = expanded.Rank;
        return new Tensor(expanded.Storage, [count, rows, cols], [batchStride, expanded.StrideArray[r - 2], expanded.StrideArray[r - 1]], expanded.Offset);
    }
}
