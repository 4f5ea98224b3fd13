using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The batch-norm primitives of <see cref="IBackend"/> written with the backend's ordinary kernels
/// (reductions and elementwise ops, off the tape): the default for backends without fused kernels
/// (Reference, ILGPU), and the oracle the Cpu backend's fused kernels are tested against.
/// x, dy, y, dx: (N, C) or (N, C, H, W); mean, invStd, gamma, beta, dGamma, dBeta: (C); m = x.Numel / C.
/// </summary>
internal static class BatchNormLowering
{
    public static int[] Axes(Tensor x) => x.Rank == 2 ? [0] : [0, 2, 3];

    public static int[] ChannelShape(Tensor x) => x.Rank == 2 ? [1, x.Dims[1]] : [1, x.Dims[1], 1, 1];

    /// <summary>The batch statistics as tensor ops, in the channel shape (1, C[, 1, 1]): mean = sum x / m,
    /// variance = sum (x - mean)^2 / m (biased). Differentiable when recorded.</summary>
    public static (Tensor Mean, Tensor Variance) Statistics(Tensor x)
    {
        var mean = x.Mean(Axes(x), keepdim: true);
        return (mean, x.Sub(mean).Square().Mean(Axes(x), keepdim: true));
    }

    /// <summary>IBackend.BatchNormTrainingStats from the backend's BatchNormStats, Map and Zip: invStd = (variance + eps)^-1/2
    /// by AddScalarFn then PowFn, each running statistic by one LinearCombinationFn (BatchNormRunning's formulas).</summary>
    public static void TrainingStats(IBackend backend, Tensor x, Tensor mean, Tensor variance, Tensor invStd, double eps, BatchNormRunning running)
    {
        backend.BatchNormStats(x, mean, variance);
        backend.Map(variance, invStd, new AddScalarFn(eps));
        backend.Map(invStd, invStd, new PowFn(-0.5));
        var (keep, takeMean, takeVariance) = running.Coefficients(x);
        if (running.Mean is { } rm) backend.Zip(rm, mean.Reshape(rm.Dims), rm, new LinearCombinationFn(keep, takeMean));
        if (running.Variance is { } rv) backend.Zip(rv, variance.Reshape(rv.Dims), rv, new LinearCombinationFn(keep, takeVariance));
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

    /// <summary>mean[c] = sum x / m, variance[c] = sum (x - mean)^2 / m (biased).</summary>
    public static void Stats(IBackend b, Tensor x, Tensor mean, Tensor variance)
    {
        using var _ = GradMode.NoGrad();
        var (mu, v) = Statistics(x);
        b.Copy(mu.Reshape([x.Dims[1]]), mean);
        b.Copy(v.Reshape([x.Dims[1]]), variance);
    }

    /// <summary>y = (x - mean) invStd gamma + beta.</summary>
    public static void Forward(IBackend b, Tensor x, Tensor mean, Tensor invStd, Tensor? gamma, Tensor? beta, Tensor y)
    {
        using var _ = GradMode.NoGrad();
        var shape = ChannelShape(x);
        var scale = gamma != null ? invStd.Mul(gamma) : invStd;
        var result = x.Sub(mean.Reshape(shape)).Mul(scale.Reshape(shape));
        if (beta != null) result = result.Add(beta.Reshape(shape));
        b.Copy(result, y);
    }

    /// <summary>With xhat = (x - mean) invStd: dBeta = sum dy, dGamma = sum dy xhat,
    /// dx = gamma invStd (dy - sum dy / m - xhat sum(dy xhat) / m) (gamma = 1 when absent).</summary>
    public static void Backward(IBackend b, Tensor x, Tensor dy, Tensor mean, Tensor invStd, Tensor? gamma, Tensor dx, Tensor? dGamma, Tensor? dBeta)
    {
        using var _ = GradMode.NoGrad();
        var shape = ChannelShape(x);
        var (g, sumDyXhat, sumDy) = Gradients(x, dy, mean.Reshape(shape), invStd.Reshape(shape), gamma);
        if (dBeta != null) b.Copy(sumDy.Reshape([x.Dims[1]]), dBeta);
        if (dGamma != null) b.Copy(sumDyXhat.Reshape([x.Dims[1]]), dGamma);
        b.Copy(g, dx);
    }
}
