using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>How a loss folds its per-element values: the mean over every element, or the sum.
/// (A VAE reports "per image" losses: use Sum and divide by the batch size.)</summary>
public enum LossReduction
{
    /// <summary>The mean over every element.</summary>
    Mean,
    /// <summary>The sum over every element.</summary>
    Sum,
}

/// <summary>
/// Losses, each written with differentiable ops, so their gradients (and gradients of gradients)
/// come from the ops' own backward rules. Shapes: prediction and target have the same shape.
/// </summary>
public static class Loss
{
    /// <summary>(p - t)^2.</summary>
    public static Tensor Mse(Tensor prediction, Tensor target, LossReduction reduction = LossReduction.Mean) =>
        Reduce(prediction.Sub(Same("mse", prediction, target)).Square(), reduction);

    /// <summary>|p - t|.</summary>
    public static Tensor L1(Tensor prediction, Tensor target, LossReduction reduction = LossReduction.Mean) =>
        Reduce(prediction.Sub(Same("l1", prediction, target)).Abs(), reduction);

    /// <summary>Binary cross-entropy on probabilities: -(t log p + (1 - t) log(1 - p)), with each log
    /// clamped at -100 as PyTorch does, so p = 0 or 1 gives a large finite loss rather than infinity.</summary>
    public static Tensor Bce(Tensor probability, Tensor target, LossReduction reduction = LossReduction.Mean)
    {
        Same("bce", probability, target);
        var logP = probability.Log().Clamp(lo: -100);
        var logQ = probability.RSub(1).Log().Clamp(lo: -100);
        return Reduce(target.Mul(logP).Add(target.RSub(1).Mul(logQ)).Neg(), reduction);
    }

    /// <summary>Binary cross-entropy on logits x: max(x, 0) - x t + log(1 + exp(-|x|)).
    /// Finite and exact for any x (the naive sigmoid-then-log form overflows at |x| ~ 90). One fused op
    /// (BceWithLogits.cs): the loss and its gradient each take one pass.</summary>
    public static Tensor BceWithLogits(Tensor logits, Tensor target, LossReduction reduction = LossReduction.Mean)
    {
        Same("bce_with_logits", logits, target);
        if (logits.Numel == 0) throw new ShapeException("bce_with_logits", $"empty input {Shapes.Format(logits.Shape)}");
        return new BceWithLogitsOp(logits, target, reduction == LossReduction.Sum ? 1.0 : 1.0 / logits.Numel).Run();
    }

    /// <summary>Cross-entropy of logits (N, C) against class indices (N): -log softmax(x)[n, t_n].</summary>
    public static Tensor CrossEntropy(Tensor logits, int[] targets, LossReduction reduction = LossReduction.Mean)
    {
        if (logits.Rank != 2 || logits.Dims[0] != targets.Length)
            throw new ShapeException("cross_entropy", $"logits {Shapes.Format(logits.Dims)} need shape (N, C) with N = {targets.Length} targets");
        int classes = logits.Dims[1];
        foreach (int t in targets)
            if (t < 0 || t >= classes)
                throw new ArgumentOutOfRangeException(nameof(targets), t, $"cross_entropy: target class {t} is outside [0, {classes})");
        var picked = logits.LogSoftmax(1).Gather(1, targets, [targets.Length, 1]);
        return Reduce(picked.Neg(), reduction);
    }

    /// <summary>KL(N(mu, exp(logvar)) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar)), summed over
    /// the latent axis; Mean averages that over the batch (per-sample nats), Sum adds it up.</summary>
    public static Tensor GaussianKl(Tensor mu, Tensor logVar, LossReduction reduction = LossReduction.Mean)
    {
        Same("gaussian_kl", mu, logVar);
        var perElement = logVar.Add(1).Sub(mu.Square()).Sub(logVar.Exp()).Mul(-0.5);
        var total = perElement.Sum();
        int batch = mu.Rank > 1 ? mu.Dims[0] : 1;
        return reduction == LossReduction.Sum ? total : total.Div(batch);
    }

    private static Tensor Reduce(Tensor perElement, LossReduction reduction) =>
        reduction == LossReduction.Sum ? perElement.Sum() : perElement.Mean();

    private static Tensor Same(string op, Tensor a, Tensor b)
    {
        if (!Shapes.Equal(a.Dims, b.Dims))
            throw new ShapeException(op, $"prediction {Shapes.Format(a.Dims)} and target {Shapes.Format(b.Dims)} must have the same shape");
        return b;
    }
}
