using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Batch norm's capability (IFusedBatchNorm) as fused kernels (Kernels/BatchNormKernels.cs): statistics and backward one
// group per channel, forward one thread per element; plain batch norm is the fused batch norm + activation kernels
// with the identity (IdentityFn). Operands that are not contiguous are declined (the op composes them).
internal sealed partial class IlgpuBackend : IFusedBatchNorm
{
    /// <summary>Statistics and, where asked, invStd and the running statistics in one launch (BatchNormKernels.TrainingStats),
    /// the same bits as the composition's five launches.</summary>
    public bool TryStatistics(Tensor x, Tensor mean, Tensor variance, Tensor? invStd, double eps, BatchNormRunning running)
    {
        if (!AllContiguous(x, mean, variance, invStd, running.Mean, running.Variance)) return false;
        StatsGpu(invStd == null ? "batch norm stats" : "batch norm training stats", x, mean, variance, invStd, eps, running);
        return true;
    }

    private void StatsGpu(string op, Tensor x, Tensor mean, Tensor variance, Tensor? invStd, double eps, BatchNormRunning running)
    {
        lock (_gate)
        {
            var s = CheckBatchNorm(op, x, mean, variance, invStd, running.Mean, running.Variance);
            if (s.C == 0) return;
            if (s.M == 0) throw new ShapeException(op, $"{x.Describe()} has no values per channel");
            var (keep, takeMean, takeVariance) = running.Coefficients(x);
            int flags = (invStd != null ? BatchNormStatsExtras.HasInvStd : 0) | (running.Mean != null ? BatchNormStatsExtras.HasRunningMean : 0)
                | (running.Variance != null ? BatchNormStatsExtras.HasRunningVariance : 0);
            var extras = new BatchNormStatsExtras(flags, (float)eps, (float)keep, (float)takeMean, (float)takeVariance);
            Kernel("bn-stats", null, acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, BatchNormShape, BatchNormStatsExtras>(BatchNormKernels.TrainingStats))(
                new KernelConfig(Math.Min(s.C, 65535), GroupSize), Contiguous(x), Contiguous(mean), Contiguous(variance), Contiguous(invStd ?? mean),
                Contiguous(running.Mean ?? mean), Contiguous(running.Variance ?? mean), s, extras);
        }
    }

    public bool TryForward<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (!AllContiguous(x, mean, invStd, gamma, beta, y)) return false;
        ForwardThen("batch norm", x, mean, invStd, gamma, beta, y, fn);
        return true;
    }

    public bool TryBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        if (!AllContiguous(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta)) return false;
        BackwardThen("batch norm backward", x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn);
        return true;
    }

    // Plain batch norm is the identity's case (IdentityFn): the same kernel and formulas, f' = 1.
    private void ForwardThen<TFn>(string op, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        lock (_gate)
        {
            var s = CheckBatchNorm(op, x, mean, invStd, gamma, beta);
            SameShape(op, y, x);
            Check(op, y);
            if (x.Numel == 0) return;
            int flags = Flags(gamma, beta);
            Kernel("bn-forward-then", typeof(TFn), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormShape, int, TFn>(BatchNormKernels.ForwardThen))(
                x.Numel, Contiguous(x), Contiguous(mean), Contiguous(invStd), Contiguous(gamma ?? mean), Contiguous(beta ?? mean), Contiguous(y), s, flags, fn);
        }
    }

    // With IdentityFn, y is never read (f' = 1): plain batch norm passes dy in its place.
    private void BackwardThen<TFn>(string op, Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        lock (_gate)
        {
            var s = CheckBatchNorm(op, x, mean, invStd, gamma, beta, dGamma, dBeta);
            SameShape(op, dx, x, y, dy);
            Check(op, y); Check(op, dy); Check(op, dx);
            if (s.C == 0 || s.M == 0) return;
            int flags = Flags(gamma, beta, dGamma, dBeta);
            Kernel("bn-backward-then", typeof(TFn), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormShape, int, TFn>(
                BatchNormKernels.BackwardThen))(
                new KernelConfig(Math.Min(s.C, 65535), GroupSize), Contiguous(x), Contiguous(y), Contiguous(dy), Contiguous(mean), Contiguous(invStd),
                Contiguous(gamma ?? mean), Contiguous(beta ?? mean), Contiguous(dx), Contiguous(dGamma ?? mean), Contiguous(dBeta ?? mean), s, flags, fn);
        }
    }

    // x must be (N, C) or (N, C, H, W); every per-channel operand has C elements. Returns x's (N, C, HW).
    private static BatchNormShape CheckBatchNorm(string op, Tensor x, params Tensor?[] perChannel)
    {
        if (x.Rank != 2 && x.Rank != 4) throw new ShapeException(op, $"{x.Describe()} must be (N, C) or (N, C, H, W)");
        Check(op, x);
        int c = x.Dims[1];
        foreach (var t in perChannel)
        {
            if (t == null) continue;
            if (t.Numel != c) throw new ShapeException(op, $"{t.Describe()} must have {c} elements, one per channel of {x.Describe()}");
            Check(op, t);
        }
        return new BatchNormShape(x.Dims[0], c, x.Rank == 2 ? 1 : x.Dims[2] * x.Dims[3]);
    }

    // BatchNormKernels' flags: which of the optional per-channel operands are present.
    private static int Flags(Tensor? gamma, Tensor? beta = null, Tensor? dGamma = null, Tensor? dBeta = null) =>
        (gamma != null ? BatchNormKernels.HasGamma : 0) | (beta != null ? BatchNormKernels.HasBeta : 0)
        | (dGamma != null ? BatchNormKernels.HasDGamma : 0) | (dBeta != null ? BatchNormKernels.HasDBeta : 0);

    private static bool AllContiguous(params Tensor?[] ts) => ts.All(t => t == null || t.IsContiguous);
}
