using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The softmax row kernels: the backend's <see cref="IFusedSoftmax"/> where it takes the operands, else written with
/// the backend's ordinary kernels (max, sub, exp, sum, off the tape), which is also the oracle the fused kernels are
/// tested against. x, y, dy, dx: (rows, L), contiguous; per row:
///   m = max x, s = sum exp(x - m)
///   softmax:     y = exp(x - m - log s)       dx = y (dy - sum(dy y))
///   log-softmax: y = x - m - log s            dx = dy - exp(y) sum(dy)
/// </summary>
internal static class SoftmaxLowering
{
    public static void Softmax(this IBackend b, Tensor x, Tensor y, bool log)
    {
        if (b is IFusedSoftmax fused && fused.TrySoftmax(x, y, log)) return;
        ComposedSoftmax(b, x, y, log);
    }

    public static void ComposedSoftmax(IBackend b, Tensor x, Tensor y, bool log)
    {
        using var _ = GradMode.NoGrad();
        var shifted = x.Sub(x.Max(-1, keepdim: true));
        var logSoftmax = shifted.Sub(shifted.Exp().Sum(-1, keepdim: true).Log());
        b.Copy(log ? logSoftmax : logSoftmax.Exp(), y);
    }

    public static void SoftmaxBackward(this IBackend b, Tensor y, Tensor dy, Tensor dx, bool log)
    {
        if (b is IFusedSoftmax fused && fused.TrySoftmaxBackward(y, dy, dx, log)) return;
        ComposedSoftmaxBackward(b, y, dy, dx, log);
    }

    public static void ComposedSoftmaxBackward(IBackend b, Tensor y, Tensor dy, Tensor dx, bool log)
    {
        using var _ = GradMode.NoGrad();
        var g = log ? dy.Sub(y.Exp().Mul(dy.Sum(-1, keepdim: true))) : y.Mul(dy.Sub(dy.Mul(y).Sum(-1, keepdim: true)));
        b.Copy(g, dx);
    }
}
