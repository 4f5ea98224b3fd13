using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Batch norm in training mode followed by an activation f, as one op (Nn.Fusion's BatchNorm +
/// activation pairs), per channel c over the m = Numel / C values of x (N, C) or (N, C, H, W):
///   forward:  mean, var = batch statistics, invStd = (var + eps)^-1/2, running statistics updated,
///             y = f(z), z = (x - mean) invStd gamma + beta          (BatchNormLowering.BatchNormForward with f: one pass)
///   backward: z recomputed from x, dz = dy f'(z, y), then batch norm's backward with dz
///             (BatchNormLowering.BatchNormBackward with f: the same passes as batch norm's own backward)
/// Against BatchNormTrainOp followed by the activation op: one pass over the tensor fewer each way, no z
/// kept, two launches fewer on a GPU. When the backward is recorded (gradients of gradients), it is
/// written with differentiable ops: the statistics and z recomputed from x, dz from the activation op's
/// own differentiable rule, then BatchNormLowering.Gradients.
/// </summary>
internal sealed class BatchNormActivationOp<TFn>(Tensor x, Tensor? gamma, Tensor? beta, double eps, BatchNormRunning running, TFn fn, string activationName,
    Func<Tensor, Tensor> activation)
    : Op([x, .. gamma != null ? new[] { gamma } : [], .. beta != null ? new[] { beta } : []]) where TFn : struct, IUnaryFn
{
    private Tensor? _mean, _invStd, _y;

    public override string Name => "batch_norm+" + activationName;

    public override string Rule => "dz = dy f'(z), dx = gamma/sigma (dz - mean(dz) - xhat mean(dz xhat)), dgamma = sum dz xhat, dbeta = sum dz";

    /// <summary>The batch mean and biased variance of the last forward, (C) each, for the running statistics.</summary>
    public Tensor? Mean => _mean;

    public Tensor? Variance { get; private set; }

    protected override Tensor Forward()
    {
        int c = x.Dims[1];
        _mean = NewOverwrittenOutput([c]);
        Variance = NewOverwrittenOutput([c]);
        _invStd = NewOverwrittenOutput([c]);
        Backend.BatchNormTrainingStats(x, _mean, Variance, _invStd, eps, running);
        _y = NewOverwrittenOutput((int[])x.Dims.Clone());
        Backend.BatchNormForward(x, _mean, _invStd, gamma?.Detach(), beta?.Detach(), _y, fn);
        return _y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        int c = x.Dims[1];
        if (GradMode.IsEnabled && (dOut.RequiresGrad || Inputs.Any(t => t.RequiresGrad)) && CompositeBackward(dOut) is { } composite)
            return composite;
        var dx = NewOverwrittenOutput((int[])x.Dims.Clone());
        var dGamma = gamma != null && gamma.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        var dBeta = beta != null && beta.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        Backend.BatchNormBackward(x.Detach(), _y!.Detach(), dOut, _mean!, _invStd!, gamma?.Detach(), beta?.Detach(), dx, dGamma, dBeta, fn);
        return Gradients(x.RequiresGrad ? dx : null, dGamma, dBeta);
    }

    // The formulas as tape ops; null when nothing the recomputed z depends on requires grad.
    private Tensor?[]? CompositeBackward(Tensor dy)
    {
        var shape = BatchNormLowering.ChannelShape(x);
        var (mean, variance) = BatchNormLowering.Statistics(x);
        var invStd = variance.Add(eps).Pow(-0.5);
        var z = x.Sub(mean).Mul(invStd);
        if (gamma != null) z = z.Mul(gamma.Reshape(shape));
        if (beta != null) z = z.Add(beta.Reshape(shape));
        var op = activation(z).GradFn;
        if (op == null) return null;
        var dz = op.Backward(dy)[0]!;
        var (dx, dGamma, dBeta) = BatchNormLowering.Gradients(x, dz, mean, invStd, gamma);
        int c = x.Dims[1];
        return Gradients(dx, gamma != null ? dGamma.Reshape([c]) : null, beta != null ? dBeta.Reshape([c]) : null);
    }

    // In the order of Inputs: x, then gamma and beta where present.
    private Tensor?[] Gradients(Tensor? dx, Tensor? dGamma, Tensor? dBeta) =>
        [dx, .. gamma != null ? new[] { dGamma } : [], .. beta != null ? new[] { dBeta } : []];
}
