using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

// Batch norm's three primitives as fused kernels (Kernels/BatchNormKernels.cs): stats and backward one
// group per channel, forward one thread per element; plain forward and backward are the fused batch norm +
// activation kernels with the identity (GpuIdentity). Operands that are not contiguous take the
// composite BatchNormLowering, as on the Cpu backend.
public sealed partial class IlgpuBackend
{
    public void BatchNormStats(Tensor x, Tensor mean, Tensor variance)
    {
        if (!AllContiguous(x, mean, variance))
        {
            BatchNormLowering.Stats(this, x, mean, variance);
            return;
        }
        StatsGpu("batch norm stats", x, mean, variance, null, default, BatchNormRunning.None);
    }

    /// <summary>Statistics, invStd and the running statistics in one launch (BatchNormKernels.TrainingStats), the same
    /// bits as the default's five launches.</summary>
    public void BatchNormTrainingStats(Tensor x, Tensor mean, Tensor variance, Tensor invStd, double eps, BatchNormRunning running)
    {
        if (!AllContiguous(x, mean, variance, invStd, running.Mean, running.Variance))
        {
            BatchNormLowering.TrainingStats(this, x, mean, variance, invStd, eps, running);
            return;
        }
        StatsGpu("batch norm training stats", x, mean, variance, invStd, eps, running);
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

    public void BatchNormForward(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y)
    {
        if (!AllContiguous(x, mean, invStd, gamma, beta, y))
        {
            BatchNormLowering.Forward(this, x, mean, invStd, gamma, beta, y);
            return;
        }
        ForwardThen("batch norm", x, mean, invStd, gamma, beta, y, default(GpuIdentity));
    }

    public void BatchNormBackward(Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta)
    {
        if (!AllContiguous(x, dy, mean, invStd, gamma, dx, dGamma, dBeta))
        {
            BatchNormLowering.Backward(this, x, dy, mean, invStd, gamma, dx, dGamma, dBeta);
            return;
        }
        BackwardThen("batch norm backward", x, y: dy, dy, mean, invStd, gamma, beta: null, dx, dGamma, dBeta, default(GpuIdentity));
    }

    public void BatchNormActivation<TFn>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn) where TFn : struct, IUnaryFn
    {
        if (AllContiguous(x, mean, invStd, gamma, beta, y)) FunctorTwins.Unary<TFn>().BatchNormActivation(this, x, mean, invStd, gamma, beta, y, fn);
        else ((IBackend)this).BatchNormActivationComposite(x, mean, invStd, gamma, beta, y, fn);
    }

    public void BatchNormActivationBackward<TFn>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        if (AllContiguous(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta))
            FunctorTwins.Unary<TFn>().BatchNormActivationBackward(this, x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn);
        else ((IBackend)this).BatchNormActivationBackwardComposite(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn);
    }

    // y = f(x a + b) in one launch (Kernels/BatchNormKernels.ForwardThen); operands contiguous.
    internal void BatchNormActivationGpu<TGpu>(Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TGpu fn) where TGpu : struct, IGpuUnary =>
        ForwardThen("batch norm + activation", x, mean, invStd, gamma, beta, y, fn);

    // dz = dy f'(z, y) and batch norm's backward in one launch (Kernels/BatchNormKernels.BackwardThen); operands contiguous.
    internal void BatchNormActivationBackwardGpu<TGpu>(Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TGpu fn) where TGpu : struct, IGpuUnary =>
        BackwardThen("batch norm + activation backward", x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn);

    // Plain batch norm is the identity's case (GpuIdentity): the same kernel and formulas, f' = 1.
    private void ForwardThen<TGpu>(string op, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TGpu fn) where TGpu : struct, IGpuUnary
    {
        lock (_gate)
        {
            var s = CheckBatchNorm(op, x, mean, invStd, gamma, beta);
            SameShape(op, y, x);
            Check(op, y);
            if (x.Numel == 0) return;
            int flags = Flags(gamma, beta);
            Kernel("bn-forward-then", typeof(TGpu), acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormShape, int, TGpu>(BatchNormKernels.ForwardThen))(
                x.Numel, Contiguous(x), Contiguous(mean), Contiguous(invStd), Contiguous(gamma ?? mean), Contiguous(beta ?? mean), Contiguous(y), s, flags, fn);
        }
    }

    // With GpuIdentity, y is never read (f' = 1): plain batch norm passes dy in its place.
    private void BackwardThen<TGpu>(string op, Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TGpu fn) where TGpu : struct, IGpuUnary
    {
        lock (_gate)
        {
            var s = CheckBatchNorm(op, x, mean, invStd, gamma, beta, dGamma, dBeta);
            SameShape(op, dx, x, y, dy);
            Check(op, y); Check(op, dy); Check(op, dx);
            if (s.C == 0 || s.M == 0) return;
            int flags = Flags(gamma, beta, dGamma, dBeta);
            Kernel("bn-backward-then", typeof(TGpu), acc => acc.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
                ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchNormShape, int, TGpu>(
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
