using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Matrix products.</summary>
public static class TensorLinalg
{
    /// <summary>a @ b with NumPy's matmul rules: (..., M, K) @ (..., K, N), batch axes broadcast;
    /// a 1-D operand is treated as a row (left) or column (right) vector and that axis is dropped.</summary>
    public static Tensor MatMul(this Tensor a, Tensor b)
    {
        if (a.Rank == 0 || b.Rank == 0) throw new ShapeException("matmul", $"needs at least 1-D operands, got {Shapes.Format(a.Dims)} and {Shapes.Format(b.Dims)}");
        if (a.Rank == 1) return a.Unsqueeze(0).MatMul(b).Squeeze(-2);
        if (b.Rank == 1) return a.MatMul(b.Unsqueeze(1)).Squeeze(-1);
        return new MatMulOp(a, b).Run();
    }

    /// <summary>The fused affine map y = x @ W^T + b with x (..., I), W (O, I), b (O).</summary>
    public static Tensor Linear(this Tensor x, Tensor weight, Tensor? bias = null) => new LinearOp(x, weight, bias).Run();

    /// <summary>activation(x @ W^T + b) as one op (<see cref="LinearActivationOp{TFn}"/>): the bias and the
    /// activation run as one kernel. <paramref name="fn"/> is the activation's functor,
    /// <paramref name="activation"/> the same activation as a tensor op (for recorded backwards).</summary>
    internal static Tensor LinearThen<TFn>(this Tensor x, Tensor weight, Tensor bias, TFn fn, string name, Func<Tensor, Tensor> activation)
        where TFn : struct, IUnaryFn =>
        new LinearActivationOp<TFn>(x, weight, bias, fn, name, activation).Run();
}
