using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// Batch norm's running statistics, updated in place by each training forward (IFusedBatchNorm.TryStatistics):
///   Mean     = (1 - Momentum) Mean     + Momentum mean
///   Variance = (1 - Momentum) Variance + Momentum m / (m - 1) variance      (m values per channel: unbiased)
/// mean and variance are the batch's (biased) statistics. Either tensor may be absent (null: not tracked); both
/// are (C) and contiguous.
/// </summary>
internal readonly record struct BatchNormRunning(Tensor? Mean, Tensor? Variance, double Momentum)
{
    public static BatchNormRunning None => new(null, null, 0);

    /// <summary>The coefficients of the two updates for input x: (1 - Momentum, Momentum, Momentum m / (m - 1)).</summary>
    public (double Keep, double TakeMean, double TakeVariance) Coefficients(Tensor x)
    {
        double m = x.Numel / (double)Math.Max(x.Dims[1], 1);
        return (1 - Momentum, Momentum, Momentum * (m / (m - 1)));
    }
}
