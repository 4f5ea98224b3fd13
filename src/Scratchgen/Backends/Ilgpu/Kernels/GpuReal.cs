using ILGPU.Algorithms;
using Scratchgen.Functors;

namespace Scratchgen.Backends.Ilgpu.Kernels;

/// <summary>A float inside an ILGPU kernel, as an <see cref="IReal{TSelf}"/>: the op functors' scalar forms compile for it,
/// with ILGPU's XMath for the functions (on CUDA, its fast intrinsics; on the CPU accelerator, the same values as
/// .NET's MathF). log(1 + x) is Log(1 + x): XMath has no log1p.</summary>
internal readonly struct GpuReal(float value) : IReal<GpuReal>, IEquatable<GpuReal>
{
    public readonly float Value = value;

    public static GpuReal Zero => new(0f);
    public static GpuReal One => new(1f);
    public static GpuReal NegativeInfinity => new(float.NegativeInfinity);
    public static GpuReal Of(Constant value) => new(value.Single);
    public static GpuReal Of(float value) => new(value);

    public static GpuReal operator +(GpuReal a, GpuReal b) => new(a.Value + b.Value);
    public static GpuReal operator -(GpuReal a, GpuReal b) => new(a.Value - b.Value);
    public static GpuReal operator *(GpuReal a, GpuReal b) => new(a.Value * b.Value);
    public static GpuReal operator /(GpuReal a, GpuReal b) => new(a.Value / b.Value);
    public static GpuReal operator -(GpuReal x) => new(-x.Value);
    public static bool operator >(GpuReal a, GpuReal b) => a.Value > b.Value;
    public static bool operator <(GpuReal a, GpuReal b) => a.Value < b.Value;
    public static bool operator >=(GpuReal a, GpuReal b) => a.Value >= b.Value;
    public static bool operator <=(GpuReal a, GpuReal b) => a.Value <= b.Value;
    public static bool operator ==(GpuReal a, GpuReal b) => a.Value == b.Value;
    public static bool operator !=(GpuReal a, GpuReal b) => a.Value != b.Value;

    public static bool IsNaN(GpuReal x) => XMath.IsNaN(x.Value);
    public static GpuReal Abs(GpuReal x) => new(XMath.Abs(x.Value));
    public static GpuReal Max(GpuReal a, GpuReal b) => new(XMath.Max(a.Value, b.Value));
    public static GpuReal Min(GpuReal a, GpuReal b) => new(XMath.Min(a.Value, b.Value));
    public static GpuReal Floor(GpuReal x) => new(XMath.Floor(x.Value));
    public static GpuReal Sqrt(GpuReal x) => new(XMath.Sqrt(x.Value));
    public static GpuReal Exp(GpuReal x) => new(XMath.Exp(x.Value));
    public static GpuReal Log(GpuReal x) => new(XMath.Log(x.Value));
    public static GpuReal LogP1(GpuReal x) => new(XMath.Log(1f + x.Value));
    public static GpuReal Tanh(GpuReal x) => new(XMath.Tanh(x.Value));
    public static GpuReal Pow(GpuReal x, GpuReal y) => new(XMath.Pow(x.Value, y.Value));

    public bool Equals(GpuReal other) => Value.Equals(other.Value);
    public override bool Equals(object? obj) => obj is GpuReal other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
}

/// <summary>The functors' scalar forms on kernel floats: fn.Apply(x) for fn.Apply(new GpuReal(x)).Value.</summary>
internal static class OnGpu
{
    public static float Apply<TFn>(this TFn fn, float x) where TFn : struct, IUnaryFn => fn.Apply(new GpuReal(x)).Value;

    public static float Derivative<TFn>(this TFn fn, float x, float y) where TFn : struct, IUnaryFn =>
        fn.Derivative(new GpuReal(x), new GpuReal(y)).Value;

    public static float Apply<TFn>(this TFn fn, float a, float b) where TFn : struct, IBinaryFn => fn.Apply(new GpuReal(a), new GpuReal(b)).Value;

    public static float Identity<TFn>(this TFn fn) where TFn : struct, IReduceFn => fn.Identity<GpuReal>().Value;

    public static float Load<TFn>(this TFn fn, float x) where TFn : struct, IReduceFn => fn.Load(new GpuReal(x)).Value;

    public static float Combine<TFn>(this TFn fn, float a, float b) where TFn : struct, IReduceFn => fn.Combine(new GpuReal(a), new GpuReal(b)).Value;
}
