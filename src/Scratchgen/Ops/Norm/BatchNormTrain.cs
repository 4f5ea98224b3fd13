using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Batch norm in training mode as one op, per channel c over the m = Numel / C values of x (N, C) or
/// (N, C, H, W):
///   forward:  mean, var = batch statistics (biased var), invStd = (var + eps)^-1/2, running statistics updated
///             y = (x - mean) invStd gamma + beta                   (BatchNormLowering.BatchNormTrainingStats, BatchNormForward)
///   backward: xhat = (x - mean) invStd,  dBeta = sum dy,  dGamma = sum dy xhat,
///             dx = gamma invStd (dy - sum dy / m - xhat sum(dy xhat) / m)   (BatchNormLowering.BatchNormBackward)
/// The terms through mean and var are in dx's last two terms. Backends fuse these (the Cpu backend: about
/// 5 passes over x for both directions) or compose them (BatchNormLowering). When the backward is itself
/// recorded (gradients of gradients), it is written with differentiable ops that recompute mean and
/// invStd from x, so second derivatives through the statistics are right.
/// </summary>
internal sealed class BatchNormTrainOp : Op
{
    private readonly Tensor _x;
    private readonly Tensor? _gamma, _beta;
    private readonly double _eps;
    private readonly BatchNormRunning _running;
    private Tensor? _mean, _invStd;

    /// <param name="running">The running statistics the forward updates (BatchNormRunning.None: none).</param>
    public BatchNormTrainOp(Tensor x, Tensor? gamma, Tensor? beta, double eps, BatchNormRunning running)
        : base([x, .. gamma != null ? new[] { gamma } : [], .. beta != null ? new[] { beta } : []])
    {
        _x = x;
        _gamma = gamma;
        _beta = beta;
        _eps = eps;
        _running = running;
    }

    public override string Name => "batch_norm";

    public override string Rule => "dx = gamma/sigma (dy - mean(dy) - xhat mean(dy xhat)), dgamma = sum dy xhat, dbeta = sum dy";

    /// <summary>The batch mean and biased variance of the last forward, (C) each, for the running statistics.</summary>
    public Tensor? Mean => _mean;

    public Tensor? Variance { get; private set; }

    protected override Tensor Forward()
    {
        int c = _x.Dims[1];
        _mean = NewOverwrittenOutput([c]); // BatchNormTrainingStats writes the three in full
        Variance = NewOverwrittenOutput([c]);
        _invStd = NewOverwrittenOutput([c]);
        Backend.BatchNormTrainingStats(_x, _mean, Variance, _invStd, _eps, _running);
        var y = NewOverwrittenOutput((int[])_x.Dims.Clone());
        Backend.BatchNormForward(_x, _mean, _invStd, _gamma?.Detach(), _beta?.Detach(), y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || Inputs.Any(t => t.RequiresGrad))) return CompositeBackward(dOut);
        int c = _x.Dims[1];
        var dx = NewOverwrittenOutput((int[])_x.Dims.Clone()); // the kernel writes all of it either way; returned only when x needs it
        var dGamma = _gamma != null && _gamma.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        var dBeta = _beta != null && _beta.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        Backend.BatchNormBackward(_x.Detach(), dOut, _mean!, _invStd!, _gamma?.Detach(), dx, dGamma, dBeta);
        return Gradients(_x.RequiresGrad ? dx : null, dGamma, dBeta);
    }

    // The same formulas as tape ops (BatchNormLowering), with mean and invStd recomputed from x so
    // that they too are differentiated.
    private Tensor?[] CompositeBackward(Tensor dy)
    {
        var (mean, variance) = BatchNormLowering.Statistics(_x);
        var (dx, dGamma, dBeta) = BatchNormLowering.Gradients(_x, dy, mean, variance.Add(_eps).Pow(-0.5), _gamma);
        int c = _x.Dims[1];
        return Gradients(dx, _gamma != null ? dGamma.Reshape([c]) : null, _beta != null ? dBeta.Reshape([c]) : null);
    }

    // In the order of Inputs: x, then gamma and beta where present.
    private Tensor?[] Gradients(Tensor? dx, Tensor? dGamma, Tensor? dBeta) =>
        [dx, .. _gamma != null ? new[] { dGamma } : [], .. _beta != null ? new[] { dBeta } : []];
}
