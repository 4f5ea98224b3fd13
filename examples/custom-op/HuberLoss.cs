using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace CustomOpExample;

// d = p - t, a = |d|, q = min(a, delta)
// L = mean(q^2 / 2 + delta (a - q))         (d^2 / 2 inside [-delta, delta], linear outside)
// dp = dL * clamp(d, -delta, delta) / n     dt = -dp
//
// A loss as its own op: one node on the tape, with the backward written by hand (the forward's
// composition would record abs, clamp and both branches). Clamp is differentiable, so the backward
// is itself differentiable under createGraph.
public sealed class HuberOp(Tensor prediction, Tensor target, double delta) : Op(prediction, target)
{
    public override string Name => "huber";
    public override string Rule => "dp = dy * clamp(p - t, -delta, delta) / n, dt = -dp";

    protected override Tensor Forward()
    {
        var a = Inputs[0].Sub(Inputs[1]).Abs();
        var q = a.Clamp(hi: delta);
        return q.Square().Mul(0.5).Add(a.Sub(q).Mul(delta)).Mean();
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        var dp = dOut.Mul(Inputs[0].Sub(Inputs[1]).Clamp(-delta, delta)).Div(Inputs[0].Numel);
        return [dp, dp.Neg()];
    }
}

public static class Losses
{
    /// <summary>Huber loss, mean over elements; prediction and target have the same shape.</summary>
    public static Tensor Huber(Tensor prediction, Tensor target, double delta = 1.0)
    {
        if (!prediction.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"huber: prediction {prediction.Describe()} and target {target.Describe()} must have the same shape");
        return new HuberOp(prediction, target, delta).Run();
    }
}
