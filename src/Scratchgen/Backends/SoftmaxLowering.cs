using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The softmax primitives of <see cref="IBackend"/> written with the backend's ordinary kernels (max, sub,
/// exp, sum, off the tape): the default for backends without a fused row kernel (Reference), and the
/// oracle the fused kernels are tested against. x, y, dy, dx: (rows, L), contiguous; per row:
///   m = max x, s = sum exp(x - m)
///   softmax:     y = exp(x - m - log s)       dx = y (dy - sum(dy y))
///   log-softmax: y = x - m - log s            dx = dy - exp(y) sum(dy)
/// </summary>
internal static class SoftmaxLowering
{
    public static void Forward(IBackend b, Tensor x, Tensor y, bool log)
    {
        using var _ = GradMode.NoGrad();
        var shifted = x.Sub(x.Max(-1, keepdim: true));
        var logSoftmax = shifted.Sub(shifted.Exp().Sum(-1, keepdim: true).Log());
        b.Copy(log ? logSoftmax : logSoftmax.Exp(), y);
    }

    public static void Backward(IBackend b, Tensor y, Tensor dy, Tensor dx, bool log)
    {
        using var _ = GradMode.NoGrad();
        var g = log ? dy.Sub(y.Exp().Mul(dy.Sum(-1, keepdim: true))) : y.Mul(dy.Sub(dy.Mul(y).Sum(-1, keepdim: true)));
        b.Copy(g, dx);
    }
}
