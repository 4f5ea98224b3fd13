using System.Numerics;

namespace Scratchgen.Functors;

/// <summary>A float or double on the host, as an <see cref="IReal{TSelf}"/>: every operation is T's own (.NET's
/// generic math), so a functor run through it gives what the same formula written for T gives.</summary>
internal readonly struct HostReal<T>(T value) : IReal<HostReal<T>>, IEquatable<HostReal<T>> where T : struct, IFloatingPointIeee754<T>
{
    public T Value { get; } = value;

    public static HostReal<T> Zero => new(T.Zero);
    public static HostReal<T> One => new(T.One);
    public static HostReal<T> NegativeInfinity => new(T.NegativeInfinity);
    public static HostReal<T> Of(Constant value) => new(typeof(T) == typeof(float) ? T.CreateTruncating(value.Single) : T.CreateTruncating(value.Double));
    public static HostReal<T> Of(float value) => new(T.CreateTruncating(value));

    public static HostReal<T> operator +(HostReal<T> a, HostReal<T> b) => new(a.Value + b.Value);
    public static HostReal<T> operator -(HostReal<T> a, HostReal<T> b) => new(a.Value - b.Value);
    public static HostReal<T> operator *(HostReal<T> a, HostReal<T> b) => new(a.Value * b.Value);
    public static HostReal<T> operator /(HostReal<T> a, HostReal<T> b) => new(a.Value / b.Value);
    public static HostReal<T> operator -(HostReal<T> x) => new(-x.Value);
    public static bool operator >(HostReal<T> a, HostReal<T> b) => a.Value > b.Value;
    public static bool operator <(HostReal<T> a, HostReal<T> b) => a.Value < b.Value;
    public static bool operator >=(HostReal<T> a, HostReal<T> b) => a.Value >= b.Value;
    public static bool operator <=(HostReal<T> a, HostReal<T> b) => a.Value <= b.Value;
    public static bool operator ==(HostReal<T> a, HostReal<T> b) => a.Value == b.Value;
    public static bool operator !=(HostReal<T> a, HostReal<T> b) => a.Value != b.Value;

    public static bool IsNaN(HostReal<T> x) => T.IsNaN(x.Value);
    public static HostReal<T> Abs(HostReal<T> x) => new(T.Abs(x.Value));
    public static HostReal<T> Max(HostReal<T> a, HostReal<T> b) => new(T.Max(a.Value, b.Value));
    public static HostReal<T> Min(HostReal<T> a, HostReal<T> b) => new(T.Min(a.Value, b.Value));
    public static HostReal<T> Floor(HostReal<T> x) => new(T.Floor(x.Value));
    public static HostReal<T> Sqrt(HostReal<T> x) => new(T.Sqrt(x.Value));
    public static HostReal<T> Exp(HostReal<T> x) => new(T.Exp(x.Value));
    public static HostReal<T> Log(HostReal<T> x) => new(T.Log(x.Value));
    public static HostReal<T> LogP1(HostReal<T> x) => new(T.LogP1(x.Value));
    public static HostReal<T> Tanh(HostReal<T> x) => new(T.Tanh(x.Value));
    public static HostReal<T> Pow(HostReal<T> x, HostReal<T> y) => new(T.Pow(x.Value, y.Value));

    public static implicit operator HostReal<T>(T value) => new(value);

    public bool Equals(HostReal<T> other) => Value.Equals(other.Value);
    public override bool Equals(object? obj) => obj is HostReal<T> other && Equals(other);
    public override int GetHashCode() => Value.GetHashCode();
    public override string ToString() => Value.ToString() ?? "";
}
