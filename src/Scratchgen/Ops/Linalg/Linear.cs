using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x @ W^T + b, fused into one op (one output buffer; the bias is added in place):
//   x: (N, I) (or (..., I)), W: (O, I), b: (O) or none -> y: (N, O)
// dx = dy @ W,  dW = dy^T @ x,  db = sum of dy over the rows (the engine's SumTo)
internal sealed class LinearOp(Tensor x, Tensor w, Tensor? b) : Op(b == null ? [x, w] : [x, w, b])
{
    public override string Name => "linear";
    public override string Rule => "dx = dy @ W, dW = dy^T @ x, db = sum_rows(dy)";

    protected override Tensor Forward()
    {
        var y = Project(this, x, w, b);
        if (b == null) return y;
        var rows = Rows(y, w);
        Backend.Zip(rows, b.BroadcastView(rows.Dims), rows, default(AddFn));
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => Gradients(x, w, b, dOut);

    /// <summary>x @ W^T into a new output of shape (..., O), after checking the shapes (b may be null).</summary>
    internal static Tensor Project(Op op, Tensor x, Tensor w, Tensor? b)
    {
        if (w.Rank != 2 || x.Rank < 1 || x.Dims[^1] != w.Dims[1])
            throw new ShapeException(op.Name, $"input {Shapes.Format(x.Dims)} does not match weight {Shapes.Format(w.Dims)} (need (..., I) and (O, I))");
        if (b != null && (b.Rank != 1 || b.Dims[0] != w.Dims[0]))
            throw new ShapeException(op.Name, $"bias {Shapes.Format(b.Dims)} does not match weight {Shapes.Format(w.Dims)} (need ({w.Dims[0]}))");
        int rows = x.Numel / Math.Max(x.Dims[^1], 1), o = w.Dims[0], i = w.Dims[1];
        var y = op.NewOverwrittenOutput([.. x.Dims[..^1], o]);
        var x3 = MatMulOp.As3D(x.Rank == 2 ? x : x.Detach().Contiguous().ViewAs([rows, i]), [1], rows, i);
        var wT = MatMulOp.As3D(w.Detach().Transpose(0, 1), [1], i, o);
        x.Backend.MatMul(x3, wT, y.ViewAs([1, rows, o]), accumulate: false);
        return y;
    }

    /// <summary>An output (..., O) of <see cref="Project"/> as the (rows, O) matrix.</summary>
    internal static Tensor Rows(Tensor y, Tensor w) => y.ViewAs([y.Numel / Math.Max(w.Dims[0], 1), w.Dims[0]]);

    /// <summary>[dx, dW, (db)] for dy = dL/dy with tensor ops (differentiable when recorded).</summary>
    internal static Tensor?[] Gradients(Tensor x, Tensor w, Tensor? b, Tensor dOut)
    {
        int o = w.Dims[0], i = w.Dims[1];
        var dy2 = dOut.Reshape([-1, o]);
        var x2 = x.Reshape([-1, i]);
        return
        [
            x.RequiresGrad ? dy2.MatMul(w).Reshape(x.Dims) : null,
            w.RequiresGrad ? dy2.Transpose(0, 1).MatMul(x2) : null,
            .. b != null ? [b.RequiresGrad ? dy2 : null] : Array.Empty<Tensor?>(),
        ];
    }
}
