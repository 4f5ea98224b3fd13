using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace CustomOpExample;

// y = x * s, s = sigmoid(x)        dx = dy * (s + x s (1 - s))
//
// Forward and Backward are written with public tensor ops, so the op runs on every backend and dtype,
// and its Backward is itself recorded under createGraph (gradients of gradients come for free).
public sealed class SwishOp(Tensor x) : Op(x)
{
    public override string Name => "swish";
    public override string Rule => "dx = dy * (s + x s (1 - s)), s = sigmoid(x)";

    protected override Tensor Forward() => Inputs[0].Mul(Inputs[0].Sigmoid());

    public override Tensor?[] Backward(Tensor dOut)
    {
        var x = Inputs[0];
        var s = x.Sigmoid();
        return [dOut.Mul(s.Add(x.Mul(s).Mul(s.RSub(1))))];
    }
}

public static class SwishExtensions
{
    /// <summary>x * sigmoid(x): construct the op with its inputs, then Run it (forward, and a node on the tape).</summary>
    public static Tensor Swish(this Tensor x) => new SwishOp(x).Run();
}
