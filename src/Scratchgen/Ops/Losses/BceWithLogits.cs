using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// Binary cross-entropy on logits, fused: one elementwise pass and sum forward (SumLowering.ZipSum), one pass backward.
//   l_i = max(x_i, 0) - x_i t_i + log(1 + exp(-|x_i|))        L = scale * sum_i l_i   (scale = 1/n for a mean)
//   dL/dx_i = scale * (sigmoid(x_i) - t_i) * dL          dL/dt_i = -scale * x_i * dL
// x: logits, t: targets, same shape. Saves x and t. The composite form in Loss.cs's history took 8 ops
// each way; this is the "loss + gradient" fusion. With createGraph the backward is written with
// differentiable ops (sigmoid, sub, mul), so gradients of gradients still work.
internal sealed class BceWithLogitsOp(Tensor x, Tensor t, double scale) : Op(x, t)
{
    public override string Name => "bce_with_logits";
    public override string Rule => "dx = scale (sigmoid(x) - t) dy, dt = -scale x dy";

    protected override Tensor Forward()
    {
        var y = NewOverwrittenOutput([]);
        Backend.ZipSum(x, t, y, default(BceWithLogitsFn), scale); // one launch on a GPU (SumLowering.ZipSum)
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        bool record = GradMode.IsEnabled && (dOut.RequiresGrad || x.RequiresGrad || t.RequiresGrad);
        Tensor? dx = null, dt = null;
        if (x.RequiresGrad)
        {
            if (record) dx = x.Sigmoid().Sub(t).Mul(dOut).Mul(scale);
            else
            {
                var g = NewOverwrittenOutput((int[])x.Dims.Clone());
                Backend.Zip(x, t, g, new SigmoidMinusFn(scale));
                dx = g.Mul(dOut);
            }
        }
        if (t.RequiresGrad) dt = x.Mul(dOut).Mul(-scale);
        return [dx, dt];
    }
}

// max(a, 0) - a b + log(1 + exp(-|a|)): the per-element BCE of logit a against target b
internal readonly struct BceWithLogitsFn : IBinaryFn
{
    public T Apply<T>(T a, T b) where T : struct, IReal<T> =>
        T.Max(a, T.Zero) - a * b + T.LogP1(T.Exp(-T.Abs(a)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => SimdMath.Softplus(a) - a * b;
}

// scale (sigmoid(a) - b): the gradient of BCE with logits before multiplying by dL
internal readonly struct SigmoidMinusFn(double scale) : IBinaryFn
{
    private readonly Constant _scale = new(scale);

    public T Apply<T>(T a, T b) where T : struct, IReal<T> =>
        T.Of(_scale) * (T.One / (T.One + T.Exp(-a)) - b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => (SimdMath.Sigmoid(a) - b) * _scale.Single;
}
