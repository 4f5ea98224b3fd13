namespace Scratchgen.Functors;

/// <summary>
/// The numbers a functor's scalar form is written over, so that one formula serves every backend:
/// <see cref="HostReal{T}"/> (float or double, the .NET math library) on the Reference and Cpu backends, and
/// a float with ILGPU's XMath (Backends/Ilgpu/GpuReal.cs) inside the ILGPU kernels, which compile the same
/// method for it. A functor's constants enter through Of. Only what the functors use is here.
/// </summary>
public interface IReal<TSelf> where TSelf : struct, IReal<TSelf>
{
    static abstract TSelf Zero { get; }

    static abstract TSelf One { get; }

    static abstract TSelf NegativeInfinity { get; }

    /// <summary>A functor's constant in this number type: float backends take its float value, the float64 Reference
    /// its double one.</summary>
    static abstract TSelf Of(Constant value);

    /// <summary>A float constant (a kernel argument such as Adam's learning rate) in this number type.</summary>
    static abstract TSelf Of(float value);

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator /(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf x);

    static abstract bool operator >(TSelf a, TSelf b);

    static abstract bool operator <(TSelf a, TSelf b);

    static abstract bool operator >=(TSelf a, TSelf b);

    static abstract bool operator <=(TSelf a, TSelf b);

    static abstract bool operator ==(TSelf a, TSelf b);

    static abstract bool operator !=(TSelf a, TSelf b);

    static abstract bool IsNaN(TSelf x);

    static abstract TSelf Abs(TSelf x);

    /// <summary>The larger of a and b; NaN if either is NaN.</summary>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>The smaller of a and b; NaN if either is NaN.</summary>
    static abstract TSelf Min(TSelf a, TSelf b);

    static abstract TSelf Floor(TSelf x);

    static abstract TSelf Sqrt(TSelf x);

    static abstract TSelf Exp(TSelf x);

    static abstract TSelf Log(TSelf x);

    /// <summary>log(1 + x).</summary>
    static abstract TSelf LogP1(TSelf x);

    static abstract TSelf Tanh(TSelf x);

    static abstract TSelf Pow(TSelf x, TSelf y);
}
