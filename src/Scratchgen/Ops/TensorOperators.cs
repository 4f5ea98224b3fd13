using Scratchgen.Ops;

namespace Scratchgen.Tensors;

// Operators for readable model code: a * b + c. Each one calls the op family's extension method.
public sealed partial class Tensor
{
    /// <summary><see cref="TensorElementwise.Add(Tensor, Tensor)"/>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary><see cref="TensorElementwise.Sub(Tensor, Tensor)"/>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary><see cref="TensorElementwise.Mul(Tensor, Tensor)"/> (elementwise; MatMul is the matrix product).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary><see cref="TensorElementwise.Div(Tensor, Tensor)"/>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary><see cref="TensorElementwise.Neg"/>.</summary>
    public static Tensor operator -(Tensor x) => x.Neg();
    /// <summary>x + s for every element.</summary>
    public static Tensor operator +(Tensor x, double s) => x.Add(s);
    /// <summary>s + x for every element.</summary>
    public static Tensor operator +(double s, Tensor x) => x.Add(s);
    /// <summary>x - s for every element.</summary>
    public static Tensor operator -(Tensor x, double s) => x.Sub(s);
    /// <summary>s - x for every element.</summary>
    public static Tensor operator -(double s, Tensor x) => x.RSub(s);
    /// <summary>x * s for every element.</summary>
    public static Tensor operator *(Tensor x, double s) => x.Mul(s);
    /// <summary>s * x for every element.</summary>
    public static Tensor operator *(double s, Tensor x) => x.Mul(s);
    /// <summary>x / s for every element.</summary>
    public static Tensor operator /(Tensor x, double s) => x.Div(s);
    /// <summary>s / x for every element.</summary>
    public static Tensor operator /(double s, Tensor x) => x.RDiv(s);
}
