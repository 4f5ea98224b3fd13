using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// Batch normalization, per channel c, over x: (N, C) or (N, C, H, W) (statistics over every axis but C):
//   training:  mu = mean(x),  var = mean((x - mu)^2)  (biased),  y = (x - mu) / sqrt(var + eps) * gamma + beta
//              running_mean = (1 - momentum) running_mean + momentum mu
//              running_var  = (1 - momentum) running_var  + momentum var m / (m - 1)   (m values per channel: unbiased)
//   eval:      y = (x - running_mean) / sqrt(running_var + eps) * gamma + beta
//   gamma, beta, running_mean, running_var: (C)
// Training mode is one op, BatchNormTrainOp (fused kernels, its backward beside it; with an activation f
// after it, y = f(batch_norm(x)) as the same op, for Nn.Fusion's BatchNorm + activation pairs); evaluation mode is
// written with differentiable ops (sub, pow, mul, add), so its backward comes from the tape. The running
// statistics are updated in place off the tape by the training op's forward (BatchNormLowering.BatchNormTrainingStats,
// BatchNormRunning); they are never part of the graph in training mode.
internal static class BatchNormFunction
{
    private const string OpName = "batch_norm";

    public static Tensor Apply(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar, bool training, double momentum, double eps)
    {
        const string op = OpName;
        Check(x, gamma, beta, runningMean, runningVar, training);
        int c = x.Dims[1];
        int[] channelShape = x.Rank == 2 ? [1, c] : [1, c, 1, 1];

        if (training) return new BatchNormTrainOp<IdentityFn>(x, gamma, beta, eps, Running(runningMean, runningVar, momentum), default).Run();
        if (runningMean == null || runningVar == null) throw new ArgumentException($"{op}: evaluation mode needs the running mean and variance");
        var xc = x.Sub(runningMean.Reshape(channelShape));
        var variance = runningVar.Reshape(channelShape);
        // gamma is folded into the per-channel scale first: (1, C) work instead of another full pass.
        var scale = variance.Add(eps).Pow(-0.5);
        if (gamma != null) scale = scale.Mul(gamma.Reshape(channelShape));
        var y = xc.Mul(scale);
        return beta != null ? y.Add(beta.Reshape(channelShape)) : y;
    }

    /// <summary>activation(batch_norm(x)) in training as one op (<see cref="BatchNormTrainOp{TFn}"/> with f), with
    /// the same running-statistics update as <see cref="Apply"/> (Nn.Fusion: BatchNorm in training then an activation).</summary>
    public static Tensor ApplyThen<TFn>(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar,
        double momentum, double eps, TFn fn, string activationName, Func<Tensor, Tensor> activation) where TFn : struct, IUnaryFn
    {
        Check(x, gamma, beta, runningMean, runningVar, training: true);
        return new BatchNormTrainOp<TFn>(x, gamma, beta, eps, Running(runningMean, runningVar, momentum), fn, activationName, activation).Run();
    }

    // Shapes of every operand; returns m, the values per channel (more than one when training).
    private static int Check(Tensor x, Tensor? gamma, Tensor? beta, Tensor? runningMean, Tensor? runningVar, bool training)
    {
        if (x.Rank != 2 && x.Rank != 4) throw new ShapeException(OpName, $"input must be (N, C) or (N, C, H, W), got {Shapes.Format(x.Dims)}");
        int c = x.Dims[1];
        foreach (var (t, name) in new[] { (gamma, "gamma"), (beta, "beta"), (runningMean, "running mean"), (runningVar, "running variance") })
            if (t != null && (t.Rank != 1 || t.Dims[0] != c))
                throw new ShapeException(OpName, $"{name} {Shapes.Format(t.Dims)} does not match input {Shapes.Format(x.Dims)} (need ({c}))");
        int count = x.Numel / Math.Max(c, 1);
        if (training && count < 2) throw new ShapeException(OpName, $"training needs more than one value per channel, got input {Shapes.Format(x.Dims)}");
        return count;
    }

    // The running statistics the training forward updates in place, off the tape (BatchNormLowering.BatchNormTrainingStats).
    private static BatchNormRunning Running(Tensor? runningMean, Tensor? runningVar, double momentum)
    {
        foreach (var running in new[] { runningMean, runningVar })
            if (running != null && !running.IsContiguous)
                throw new ArgumentException($"batch_norm: the running statistic {running.Describe()} must be contiguous (it is updated in place)");
        return new BatchNormRunning(runningMean?.Detach(), runningVar?.Detach(), momentum);
    }
}
