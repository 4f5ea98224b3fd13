using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x + s         dx = dy
internal readonly struct AddScalarFn(double s) : IUnaryFn
{
    private readonly Constant _s = new(s);

    public T Apply<T>(T x) where T : struct, IReal<T> => x + T.Of(_s);
    public Vector256<float> Apply(Vector256<float> x) => x + Vector256.Create(_s.Single);
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.One;
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256<float>.One;
}

// y = x * s         dx = dy * s
internal readonly struct MulScalarFn(double s) : IUnaryFn
{
    private readonly Constant _s = new(s);

    public T Apply<T>(T x) where T : struct, IReal<T> => x * T.Of(_s);
    public Vector256<float> Apply(Vector256<float> x) => x * _s.Single;
    public T Derivative<T>(T x, T y) where T : struct, IReal<T> => T.Of(_s);
    public Vector256<float> Derivative(Vector256<float> x, Vector256<float> y) => Vector256.Create(_s.Single);
}

internal sealed class AddScalarOp(Tensor x, double s) : UnaryOp<AddScalarFn>(x, new AddScalarFn(s))
{
    public override string Name => $"add({s})";
    public override string Rule => "dx = dy";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut;
}

internal sealed class MulScalarOp(Tensor x, double s) : UnaryOp<MulScalarFn>(x, new MulScalarFn(s))
{
    public override string Name => s == -1 ? "neg" : $"mul({s})";
    public override string Rule => "dx = dy * s";
    protected override Tensor CompositeGrad(Tensor dOut) => dOut.Mul(s);
}
