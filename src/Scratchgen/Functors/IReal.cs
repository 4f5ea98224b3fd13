namespace Scratchgen.Functors;

/// <summary>
/// The numbers a functor's scalar form is written over, so that one formula serves every backend:
/// <see cref="HostReal{T}"/> (float or double, the .NET math library) on the Reference and Cpu backends, and
/// a float with ILGPU's XMath (Backends/Ilgpu/GpuReal.cs) inside the ILGPU kernels, which compile the same
/// method for it. A functor's constants enter through Of. Only what the functors use is here.
/// </summary>
public interface IReal<TSelf> where TSelf : struct, IReal<TSelf>
{
    /// <summary>The value 0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>The value 1.</summary>
    static abstract TSelf One { get; }

    /// <summary>Negative infinity (the identity of max).</summary>
    static abstract TSelf NegativeInfinity { get; }

    /// <summary>A functor's constant in this number type: float backends take its float value, the float64 Reference
    /// its double one.</summary>
    static abstract TSelf Of(Constant value);

    /// <summary>A float constant (a kernel argument such as Adam's learning rate) in this number type.</summary>
    static abstract TSelf Of(float value);

    /// <summary>Sum.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Difference.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Product.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Quotient.</summary>
    static abstract TSelf operator /(TSelf a, TSelf b);

    /// <summary>Negation.</summary>
    static abstract TSelf operator -(TSelf x);

    /// <summary>Greater than (false when either is NaN).</summary>
    static abstract bool operator >(TSelf a, TSelf b);

    /// <summary>Less than (false when either is NaN).</summary>
    static abstract bool operator <(TSelf a, TSelf b);

    /// <summary>Greater than or equal (false when either is NaN).</summary>
    static abstract bool operator >=(TSelf a, TSelf b);

    /// <summary>Less than or equal (false when either is NaN).</summary>
    static abstract bool operator <=(TSelf a, TSelf b);

    /// <summary>Equal (false when either is NaN).</summary>
    static abstract bool operator ==(TSelf a, TSelf b);

    /// <summary>Not equal (true when either is NaN).</summary>
    static abstract bool operator !=(TSelf a, TSelf b);

    /// <summary>True when x is NaN.</summary>
    static abstract bool IsNaN(TSelf x);

    /// <summary>The absolute value.</summary>
    static abstract TSelf Abs(TSelf x);

    /// <summary>The larger of a and b; NaN if either is NaN.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>The smaller of a and b; NaN if either is NaN.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>The largest integer not greater than x.</summary>
    static abstract TSelf Floor(TSelf x);

    /// <summary>The square root (NaN for negative x).</summary>
    static abstract TSelf Sqrt(TSelf x);

    /// <summary>e to the power x.</summary>
    static abstract TSelf Exp(TSelf x);

    /// <summary>The natural logarithm (NaN for negative x, negative infinity at 0).</summary>
    static abstract TSelf Log(TSelf x);

    /// <summary>log(1 + x).</summary>
    static abstract TSelf LogP1(TSelf x);

    /// <summary>The hyperbolic tangent.</summary>
    static abstract TSelf Tanh(TSelf x);

    /// <summary>x to the power y.</summary>
    static abstract TSelf Pow(TSelf x, TSelf y);
}
