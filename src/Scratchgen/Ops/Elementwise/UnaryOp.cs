using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>
/// The shared shape of every elementwise unary op y = f(x): the forward is one generic Map kernel
/// specialised by the functor TFn. The backward has two forms that tests check agree:
/// <list type="bullet">
/// <item>fused: dx = dy * f'(x, y) in one kernel pass, used in ordinary training;</item>
/// <item>composite: the same formula written with differentiable tensor ops (each subclass's
/// <see cref="CompositeGrad"/>), used when the backward is itself recorded (createGraph).</item>
/// </list>
/// Saves x (the input) and y (the output); each functor's derivative uses whichever is cheaper.
/// </summary>
internal abstract class UnaryOp<TFn>(Tensor x, TFn fn) : Op(x) where TFn : struct, IUnaryFn
{
    protected readonly Tensor X = x;
    protected Tensor Y = null!;

    protected override Tensor Forward()
    {
        Y = NewOverwrittenOutput(X.Dims);
        Backend.Map(X, Y, fn);
        return Y;
    }

    public override Tensor?[] Backward(Tensor dOut)
    {
        if (UseComposite(dOut)) return [CompositeGrad(dOut)];
        var dx = NewOverwrittenOutput(X.Dims);
        Backend.MapBackward(X, Y.Detach(), dOut, dx, fn);
        return [dx];
    }

    /// <summary>Composite when the backward is being recorded, or when tests ask for it.</summary>
    private bool UseComposite(Tensor dOut) =>
        UnaryBackward.ForceComposite || (GradMode.IsEnabled && (dOut.RequiresGrad || X.RequiresGrad));

    /// <summary>dx = dy * f'(x) written with tensor ops (differentiable).</summary>
    protected abstract Tensor CompositeGrad(Tensor dOut);
}

internal static class UnaryBackward
{
    /// <summary>Test hook: makes every unary op take the composite path, to compare both forms.</summary>
    [ThreadStatic] internal static bool ForceComposite;
}

/// <summary>Elementwise helpers that are constants to autograd: masks such as (x > 0).</summary>
internal static class Masks
{
    /// <summary>f(x) elementwise, not recorded: its derivative is zero almost everywhere.</summary>
    public static Tensor Map<TFn>(Tensor x, TFn fn) where TFn : struct, IUnaryFn
    {
        var y = x.NewEmpty((int[])x.Dims.Clone());
        x.Backend.Map(x, y, fn);
        return y;
    }
}
