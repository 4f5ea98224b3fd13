using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Batch norm's kernels, each followed by an activation f (<see cref="IdentityFn"/> for plain batch norm): the
/// backend's <see cref="IFusedBatchNorm"/> where it takes the operands, else composed. The composition of plain
/// batch norm uses the backend's ordinary kernels (reductions and elementwise ops, off the tape) and is the oracle
/// the fused kernels are tested against; with an activation it is plain batch norm, then Map (or MapBackward).
/// x, dy, y, dx: (N, C) or (N, C, H, W); mean, invStd, gamma, beta, dGamma, dBeta: (C); m = x.Numel / C.
/// </summary>
internal static class BatchNormLowering
{
    /// <summary>mean[c] = sum x / m, variance[c] = sum (x - mean)^2 / m (biased).</summary>
    public static void BatchNormStats(this IBackend backend, Tensor x, Tensor mean, Tensor variance)
    {
        if (backend is IFusedBatchNorm fused && fused.TryStatistics(x, mean, variance, null, 0, BatchNormRunning.None)) return;
        ComposedStats(backend, x, mean, variance);
    }

    /// <summary>What a training forward needs from the batch statistics: mean and variance, invStd = (variance + eps)^-1/2,
    /// and the running statistics, where given, updated in place. Composed: the statistics, then a Map each for + eps and
    /// ^-1/2 (AddScalarFn, PowFn) and a Zip per running statistic (LinearCombinationFn, BatchNormRunning's formulas).</summary>
    public static void BatchNormTrainingStats(this IBackend backend, Tensor x, Tensor mean, Tensor variance, Tensor invStd, double eps, BatchNormRunning running)
    {
        if (backend is IFusedBatchNorm fused && fused.TryStatistics(x, mean, variance, invStd, eps, running)) return;
        ComposedTrainingStats(backend, x, mean, variance, invStd, eps, running);
    }

    /// <summary><see cref="BatchNormTrainingStats"/> composed: the statistics (the backend's where it has them), then the Maps and Zips.</summary>
    public static void ComposedTrainingStats(IBackend backend, Tensor x, Tensor mean, Tensor variance, Tensor invStd, double eps, BatchNormRunning running)
    {
        backend.BatchNormStats(x, mean, variance);
        backend.Map(variance, invStd, new AddScalarFn(eps));
        backend.Map(invStd, invStd, new PowFn(-0.5));
        var (keep, takeMean, takeVariance) = running.Coefficients(x);
        if (running.Mean is { } rm) backend.Zip(rm, mean.Reshape(rm.Dims), rm, new LinearCombinationFn(keep, takeMean));
        if (running.Variance is { } rv) backend.Zip(rv, variance.Reshape(rv.Dims), rv, new LinearCombinationFn(keep, takeVariance));
    }

    /// <summary>y = (x - mean) invStd gamma + beta (gamma, beta optional: 1 and 0).</summary>
    public static void BatchNormForward(this IBackend backend, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y) =>
        backend.BatchNormForward(x, mean, invStd, gamma, beta, y, default(IdentityFn));

    /// <summary>y = f((x - mean) invStd gamma + beta).</summary>
    public static void BatchNormForward<TFn>(this IBackend backend, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y, TFn fn)
        where TFn : struct, IUnaryFn
    {
        if (backend is IFusedBatchNorm fused && fused.TryForward(x, mean, invStd, gamma, beta, y, fn)) return;
        if (typeof(TFn) == typeof(IdentityFn))
        {
            ComposedForward(backend, x, mean, invStd, gamma, beta, y);
            return;
        }
        backend.BatchNormForward(x, mean, invStd, gamma, beta, y);
        backend.Map(y, y, fn);
    }

    /// <summary>With xhat = (x - mean) invStd: dBeta = sum dy, dGamma = sum dy xhat,
    /// dx = gamma invStd (dy - sum dy / m - xhat sum(dy xhat) / m) (gamma = 1 when absent).</summary>
    public static void BatchNormBackward(this IBackend backend, Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta) =>
        backend.BatchNormBackward(x, dy, dy, mean, invStd, gamma, null, dx, dGamma, dBeta, default(IdentityFn));

    /// <summary>The backward of <see cref="BatchNormForward{TFn}"/> from its output y: z = (x - mean) invStd gamma + beta
    /// recomputed, dz = dy f'(z, y), then batch norm's backward with dz. Composed with two temporaries (z and dz).</summary>
    public static void BatchNormBackward<TFn>(this IBackend backend, Tensor x, Tensor y, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta,
        Tensor dx, Tensor? dGamma, Tensor? dBeta, TFn fn) where TFn : struct, IUnaryFn
    {
        if (backend is IFusedBatchNorm fused && fused.TryBackward(x, y, dy, mean, invStd, gamma, beta, dx, dGamma, dBeta, fn)) return;
        if (typeof(TFn) == typeof(IdentityFn))
        {
            ComposedBackward(backend, x, dy, mean, invStd, gamma, dx, dGamma, dBeta);
            return;
        }
        var z = new Tensor(backend.AllocateUninitialized(x.DType, x.Numel), (int[])x.Dims.Clone());
        backend.BatchNormForward(x, mean, invStd, gamma, beta, z);
        var dz = new Tensor(backend.AllocateUninitialized(x.DType, x.Numel), (int[])x.Dims.Clone());
        backend.MapBackward(z, y, dy, dz, fn);
        backend.BatchNormBackward(x, dz, mean, invStd, gamma, dx, dGamma, dBeta);
    }

    /// <summary>Plain batch norm's statistics as tensor ops (off the tape).</summary>
    public static void ComposedStats(IBackend backend, Tensor x, Tensor mean, Tensor variance)
    {
        using var _ = GradMode.NoGrad();
        var (mu, v) = Statistics(x);
        backend.Copy(mu.Reshape([x.Dims[1]]), mean);
        backend.Copy(v.Reshape([x.Dims[1]]), variance);
    }

    /// <summary>Plain batch norm's forward as tensor ops (off the tape).</summary>
    public static void ComposedForward(IBackend backend, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y)
    {
        using var _ = GradMode.NoGrad();
        var shape = ChannelShape(x);
        var scale = gamma != null ? invStd.Mul(gamma) : invStd;
        var result = x.Sub(mean.Reshape(shape)).Mul(scale.Reshape(shape));
        if (beta != null) result = result.Add(beta.Reshape(shape));
        backend.Copy(result, y);
    }

    /// <summary>Plain batch norm's backward as tensor ops (off the tape).</summary>
    public static void ComposedBackward(IBackend backend, Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta)
    {
        using var _ = GradMode.NoGrad();
        var shape = ChannelShape(x);
        var (g, sumDyXhat, sumDy) = Gradients(x, dy, mean.Reshape(shape), invStd.Reshape(shape), gamma);
        if (dBeta != null) backend.Copy(sumDy.Reshape([x.Dims[1]]), dBeta);
        if (dGamma != null) backend.Copy(sumDyXhat.Reshape([x.Dims[1]]), dGamma);
        backend.Copy(g, dx);
    }

    public static int[] Axes(Tensor x) => x.Rank == 2 ? [0] : [0, 2, 3];

    public static int[] ChannelShape(Tensor x) => x.Rank == 2 ? [1, x.Dims[1]] : [1, x.Dims[1], 1, 1];

    /// <summary>The batch statistics as tensor ops, in the channel shape (1, C[, 1, 1]): mean = sum x / m,
    /// variance = sum (x - mean)^2 / m (biased). Differentiable when recorded.</summary>
    public static (Tensor Mean, Tensor Variance) Statistics(Tensor x)
    {
        var mean = x.Mean(Axes(x), keepdim: true);
        return (mean, x.Sub(mean).Square().Mean(Axes(x), keepdim: true));
    }

    /// <summary>The backward formula as tensor ops, mean and invStd in the channel shape; dGamma and dBeta
    /// come out in the channel shape too. Differentiable when recorded (BatchNormTrainOp's second order).</summary>
    public static (Tensor Dx, Tensor DGamma, Tensor DBeta) Gradients(Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma)
    {
        var axes = Axes(x);
        var xhat = x.Sub(mean).Mul(invStd);
        var sumDy = dy.Sum(axes, keepdim: true);
        var sumDyXhat = dy.Mul(xhat).Sum(axes, keepdim: true);
        double m = x.Numel / (double)x.Dims[1];
        var scale = gamma != null ? invStd.Mul(gamma.Reshape(ChannelShape(x))) : invStd;
        var dx = dy.Sub(sumDy.Mul(1 / m)).Sub(xhat.Mul(sumDyXhat.Mul(1 / m))).Mul(scale);
        return (dx, sumDyXhat, sumDy);
    }
}
