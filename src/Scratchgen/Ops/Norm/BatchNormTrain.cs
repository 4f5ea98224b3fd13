using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// Batch norm in training mode, and the activation f after it, as one op, per channel c over the
/// m = Numel / C values of x (N, C) or (N, C, H, W):
///   forward:  mean, var = batch statistics (biased var), invStd = (var + eps)^-1/2, running statistics updated
///             y = f(z), z = (x - mean) invStd gamma + beta          (BatchNormLowering.BatchNormTrainingStats, BatchNormForward)
///   backward: xhat = (x - mean) invStd,  dz = dy f'(z, y) (z recomputed from x),  dBeta = sum dz,  dGamma = sum dz xhat,
///             dx = gamma invStd (dz - sum dz / m - xhat sum(dz xhat) / m)   (BatchNormLowering.BatchNormBackward)
/// Plain batch norm is f = identity (<see cref="IdentityFn"/>, no activation given: the op "batch_norm");
/// Nn.Fusion's BatchNorm + activation pairs give f ("batch_norm+relu", ...): one pass over the tensor fewer
/// each way than batch norm then the activation op, no z kept, two launches fewer on a GPU.
/// The terms through mean and var are in dx's last two terms. Backends fuse these (the Cpu backend: about
/// 5 passes over x for both directions) or compose them (BatchNormLowering). When the backward is itself
/// recorded (gradients of gradients), it is written with differentiable ops: the statistics recomputed from
/// x (so second derivatives through them are right), dz from the activation op's own differentiable rule
/// on a recomputed z, then BatchNormLowering.Gradients.
/// </summary>
/// <param name="running">The running statistics the forward updates (BatchNormRunning.None: none).</param>
/// <param name="activation">f as a tensor op (for recorded backwards); null for plain batch norm.</param>
internal sealed class BatchNormTrainOp<TFn>(Tensor x, Tensor? gamma, Tensor? beta, double eps, BatchNormRunning running, TFn fn,
    string? activationName = null, Func<Tensor, Tensor>? activation = null)
    : Op([x, .. gamma != null ? new[] { gamma } : [], .. beta != null ? new[] { beta } : []]) where TFn : struct, IUnaryFn
{
    private Tensor? _mean, _invStd, _y;

    public override string Name => activationName == null ? "batch_norm" : "batch_norm+" + activationName;

    public override string Rule => activation == null
        ? "dx = gamma/sigma (dy - mean(dy) - xhat mean(dy xhat)), dgamma = sum dy xhat, dbeta = sum dy"
        : "dz = dy f'(z), dx = gamma/sigma (dz - mean(dz) - xhat mean(dz xhat)), dgamma = sum dz xhat, dbeta = sum dz";

    protected override Tensor Forward()
    {
        int c = x.Dims[1];
        _mean = NewOverwrittenOutput([c]); // BatchNormTrainingStats writes the three in full
        var variance = NewOverwrittenOutput([c]);
        _invStd = NewOverwrittenOutput([c]);
        Backend.BatchNormTrainingStats(x, _mean, variance, _invStd, eps, running);
        var y = NewOverwrittenOutput((int[])x.Dims.Clone());
        Backend.BatchNormForward(x, _mean, _invStd, gamma?.Detach(), beta?.Detach(), y, fn);
        if (activation != null) _y = y; // f'(z, y) reads it; plain batch norm keeps nothing of the output
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (GradMode.IsEnabled && (dOut.RequiresGrad || Inputs.Any(t => t.RequiresGrad)) && CompositeBackward(dOut) is { } composite)
            return composite;
        int c = x.Dims[1];
        var dx = NewOverwrittenOutput((int[])x.Dims.Clone()); // the kernel writes all of it either way; returned only when x needs it
        var dGamma = gamma != null && gamma.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        var dBeta = beta != null && beta.RequiresGrad ? NewOverwrittenOutput([c]) : null;
        // Plain batch norm: f' = 1 reads neither y nor beta.
        bool plain = activation == null;
        Backend.BatchNormBackward(x.Detach(), plain ? dOut : _y!.Detach(), dOut, _mean!, _invStd!, gamma?.Detach(), plain ? null : beta?.Detach(),
            dx, dGamma, dBeta, fn);
        return Gradients(x.RequiresGrad ? dx : null, dGamma, dBeta);
    }

    // The formulas as tape ops; null when nothing the recomputed z depends on requires grad (with an activation).
    private Tensor?[]? CompositeBackward(Tensor dy)
    {
        var (mean, variance) = BatchNormLowering.Statistics(x);
        var invStd = variance.Add(eps).Pow(-0.5);
        var dz = dy;
        if (activation != null)
        {
            var shape = BatchNormLowering.ChannelShape(x);
            var z = x.Sub(mean).Mul(invStd);
            if (gamma != null) z = z.Mul(gamma.Reshape(shape));
            if (beta != null) z = z.Add(beta.Reshape(shape));
            var op = activation(z).GradFn;
            if (op == null) return null;
            dz = op.Backward(dy)[0]!;
        }
        var (dx, dGamma, dBeta) = BatchNormLowering.Gradients(x, dz, mean, invStd, gamma);
        int c = x.Dims[1];
        return Gradients(dx, gamma != null ? dGamma.Reshape([c]) : null, beta != null ? dBeta.Reshape([c]) : null);
    }

    // In the order of Inputs: x, then gamma and beta where present.
    private Tensor?[] Gradients(Tensor? dx, Tensor? dGamma, Tensor? dBeta) =>
        [dx, .. gamma != null ? new[] { dGamma } : [], .. beta != null ? new[] { dBeta } : []];
}
