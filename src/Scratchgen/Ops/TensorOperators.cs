using Scratchgen.Ops;

namespace Scratchgen.Tensors;

// Operators for readable model code: a * b + c. Each one calls the op family's extension method.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    public static Tensor operator -(Tensor x) => x.Neg();
    public static Tensor operator +(Tensor x, double s) => x.Add(s);
    public static Tensor operator +(double s, Tensor x) => x.Add(s);
    public static Tensor operator -(Tensor x, double s) => x.Sub(s);
    public static Tensor operator -(double s, Tensor x) => x.RSub(s);
    public static Tensor operator *(Tensor x, double s) => x.Mul(s);
    public static Tensor operator *(double s, Tensor x) => x.Mul(s);
    public static Tensor operator /(Tensor x, double s) => x.Div(s);
    public static Tensor operator /(double s, Tensor x) => x.RDiv(s);
}
