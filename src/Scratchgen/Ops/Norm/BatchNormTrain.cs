using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Batch norm in training mode as one op, per channel c over the m = Numel / C values of x (N, C) or
/// (N, C, H, W):
///   forward:  mean, var = batch statistics (biased var), invStd = (var + eps)^-1/2,
///             y = (x - mean) invStd gamma + beta                   (IBackend.BatchNormStats, BatchNormForward)
///   backward: xhat = (x - mean) invStd,  dBeta = sum dy,  dGamma = sum dy xhat,
///             dx = gamma invStd (dy - sum dy / m - xhat sum(dy xhat) / m)   (IBackend.BatchNormBackward)
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
    private Tensor? _mean, _invStd;

    public BatchNormTrainOp(Tensor x, Tensor? gamma, Tensor? beta, double eps)
        : base([x, .. gamma != null ? new[] { gamma } : [], .. beta != null ? new[] { beta } : []])
    {
        _x = x;
        _gamma = gamma;
        _beta = beta;
        _eps = eps;
    }

    public override string Name => "batch_norm";

    public override string Rule => "dx = gamma/sigma (dy - mean(dy) - xhat mean(dy xhat)), dgamma = sum dy xhat, dbeta = sum dy";

    /// <summary>The batch mean and biased variance of the last forward, (C) each, for the running statistics.</summary>
    public Tensor? Mean => _mean;

    public Tensor? Variance { get; private set; }

    protected override Tensor Forward()
    {
        int c = _x.Dims[1];
        _mean = NewOutput([c]);
        Variance = NewOutput([c]);
        Backend.BatchNormStats(_x, _mean, Variance);
        using (GradMode.NoGrad()) _invStd = Variance.Add(_eps).Pow(-0.5);
        var y = NewOutput((int[])_x.Dims.Clone());
        Backend.BatchNormForward(_x, _mean, _invStd, _gamma?.Detach(), _beta?.Detach(), y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || Inputs.Any(t => t.RequiresGrad))) return CompositeBackward(dOut);
        int c = _x.Dims[1];
        var dx = NewOutput((int[])_x.Dims.Clone()); // the kernel writes it either way; returned only when x needs it
        var dGamma = _gamma != null && _gamma.RequiresGrad ? NewOutput([c]) : null;
        var dBeta = _beta != null && _beta.RequiresGrad ? NewOutput([c]) : null;
        Backend.BatchNormBackward(_x.Detach(), dOut, _mean!, _invStd!, _gamma?.Detach(), dx, dGamma, dBeta);
        return Gradients(_x.RequiresGrad ? dx : null, dGamma, dBeta);
    }

    // The same formulas with tape ops, mean and invStd recomputed from x (differentiable).
    private Tensor?[] CompositeBackward(Tensor dy)
    {
        int[] axes = _x.Rank == 2 ? [0] : [0, 2, 3];
        int[] shape = _x.Rank == 2 ? [1, _x.Dims[1]] : [1, _x.Dims[1], 1, 1];
        var mean = _x.Mean(axes, keepdim: true);
        var xc = _x.Sub(mean);
        var invStd = xc.Square().Mean(axes, keepdim: true).Add(_eps).Pow(-0.5);
        var xhat = xc.Mul(invStd);
        var scale = _gamma != null ? invStd.Mul(_gamma.Reshape(shape)) : invStd;
        var dx = dy.Sub(dy.Mean(axes, keepdim: true)).Sub(xhat.Mul(dy.Mul(xhat).Mean(axes, keepdim: true))).Mul(scale);
        var dGamma = _gamma != null ? dy.Mul(xhat).Sum(axes) : null;
        var dBeta = _beta != null ? dy.Sum(axes) : null;
        return Gradients(dx, dGamma, dBeta);
    }

    // In the order of Inputs: x, then gamma and beta where present.
    private Tensor?[] Gradients(Tensor? dx, Tensor? dGamma, Tensor? dBeta) =>
        [dx, .. _gamma != null ? new[] { dGamma } : [], .. _beta != null ? new[] { dBeta } : []];
}
