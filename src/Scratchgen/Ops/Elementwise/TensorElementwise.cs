using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

/// <summary>Elementwise arithmetic and math functions. Binary ops broadcast as in NumPy.</summary>
public static class TensorElementwise
{
    /// <summary>a + b elementwise, broadcasting as NumPy does; the gradient of a broadcast input is summed back to its shape.</summary>
    public static Tensor Add(this Tensor a, Tensor b) => new AddOp(a, b).Run();
    /// <summary>a - b elementwise, broadcasting as NumPy does.</summary>
    public static Tensor Sub(this Tensor a, Tensor b) => new SubOp(a, b).Run();
    /// <summary>a * b elementwise, broadcasting as NumPy does.</summary>
    public static Tensor Mul(this Tensor a, Tensor b) => new MulOp(a, b).Run();
    /// <summary>a / b elementwise, broadcasting as NumPy does.</summary>
    public static Tensor Div(this Tensor a, Tensor b) => new DivOp(a, b).Run();

    /// <summary>x + s for every element.</summary>
    public static Tensor Add(this Tensor x, double s) => new AddScalarOp(x, s).Run();
    /// <summary>x - s for every element.</summary>
    public static Tensor Sub(this Tensor x, double s) => new AddScalarOp(x, -s).Run();
    /// <summary>x * s for every element.</summary>
    public static Tensor Mul(this Tensor x, double s) => new MulScalarOp(x, s).Run();
    /// <summary>x / s for every element.</summary>
    public static Tensor Div(this Tensor x, double s) => new MulScalarOp(x, 1.0 / s).Run();

    /// <summary>s - x.</summary>
    public static Tensor RSub(this Tensor x, double s) => x.Neg().Add(s);

    /// <summary>s / x.</summary>
    public static Tensor RDiv(this Tensor x, double s) => x.Pow(-1).Mul(s);

    /// <summary>-x elementwise.</summary>
    public static Tensor Neg(this Tensor x) => new MulScalarOp(x, -1).Run();
    /// <summary>exp(x) elementwise.</summary>
    public static Tensor Exp(this Tensor x) => new ExpOp(x).Run();
    /// <summary>The natural logarithm elementwise (NaN below 0, negative infinity at 0).</summary>
    public static Tensor Log(this Tensor x) => new LogOp(x).Run();
    /// <summary>The square root elementwise.</summary>
    public static Tensor Sqrt(this Tensor x) => new SqrtOp(x).Run();
    /// <summary>x to the power <paramref name="p"/> elementwise.</summary>
    public static Tensor Pow(this Tensor x, double p) => new PowOp(x, p).Run();
    /// <summary>x * x elementwise.</summary>
    public static Tensor Square(this Tensor x) => new PowOp(x, 2).Run();
    /// <summary>|x| elementwise (gradient 0 at 0).</summary>
    public static Tensor Abs(this Tensor x) => new AbsOp(x).Run();

    /// <summary>min(max(x, lo), hi); the gradient is passed where lo &lt;= x &lt;= hi.</summary>
    public static Tensor Clamp(this Tensor x, double lo = double.NegativeInfinity, double hi = double.PositiveInfinity)
    {
        if (lo > hi) throw new ArgumentException($"clamp: lo ({lo}) must not exceed hi ({hi})");
        return new ClampOp(x, lo, hi).Run();
    }

    /// <summary>x += y without recording (for gradient accumulation and optimizers). x must be contiguous.</summary>
    internal static void AddInPlace(this Tensor x, Tensor y)
    {
        if (!x.IsContiguous) throw new InvalidOperationException($"AddInPlace: {x.Describe()} is not contiguous");
        x.Backend.Zip(x, y.BroadcastView(x.Dims), x, default(AddFn));
    }
}
