using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// A backend with batch norm's fused kernels, per channel c of x (N, C) or (N, C, H, W) over its m = Numel / C values,
/// each followed by an elementwise activation f (<see cref="IdentityFn"/> for plain batch norm). Without it the op
/// composes them from reductions and elementwise kernels. Each method returns false, with nothing written, where the
/// backend does not take the operands (the op then composes that part).
/// </summary>
internal interface IFusedBatchNorm
{
    /// <summary>mean[c] and the biased variance[c]; where invStd is given, also invStd[c] = (variance[c] + eps)^-1/2 and
    /// the running statistics, where given, updated in place (<see cref="BatchNormRunning"/>).</summary>
    bool TryStatistics(Tensor x, Tensor mean, Tensor variance, Tensor? invStd, double eps, BatchNormRunning running);

    /// <summary>y = f(z), z = (x - mean[c]) invStd[c] gamma[c] + beta[c] (gamma, beta optional: 1 and 0).</summary>
    bool TryForward<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn;

    /// <summary>The training backward from the forward's output y (not read when f is the identity): z recomputed,
    /// dz = dy f'(z, y), then with xhat = (x - mean) invStd: dBeta = sum dz, dGamma = sum dz xhat,
    /// dx = gamma invStd (dz - sum dz / m - xhat sum(dz xhat) / m), sums per channel.</summary>
    bool TryBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn;
}
