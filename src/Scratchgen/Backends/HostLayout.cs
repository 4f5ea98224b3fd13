using System.Numerics;
using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>Index arithmetic for tensors in host memory, shared by the Reference and Cpu backends.</summary>
internal static class HostLayout
{
    /// <summary>The element array behind a host tensor, typed.</summary>
    public static T[] Array<T>(Tensor t) where T : struct, IFloatingPointIeee754<T>
    {
        var s = HostStorage.Of(t);
        if (typeof(T) == typeof(float)) return (T[])(object)(s.F32 ?? throw WrongType(t, "float32"));
        if (typeof(T) == typeof(double)) return (T[])(object)(s.F64 ?? throw WrongType(t, "float64"));
        throw new NotSupportedException($"element type {typeof(T).Name}");
    }

    private static InvalidOperationException WrongType(Tensor t, string expected) =>
        new($"{t.Describe()}: expected {expected} storage");

    /// <summary>Storage index of the element whose row-major position in the view is <paramref name="linear"/>.</summary>
    public static int OffsetOf(Tensor t, int linear)
    {
        int offset = t.Offset;
        var dims = t.Dims;
        var strides = t.StrideArray;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            int size = dims[d];
            offset += linear % size * strides[d];
            linear /= size;
        }
        return offset;
    }

    /// <summary>Writes the multi-index of row-major position <paramref name="linear"/> into <paramref name="index"/>.</summary>
    public static void Unravel(int[] dims, int linear, Span<int> index)
    {
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            index[d] = linear % dims[d];
            linear /= dims[d];
        }
    }

    /// <summary>Storage index of a multi-index in a view.</summary>
    public static int OffsetOf(Tensor t, ReadOnlySpan<int> index)
    {
        int offset = t.Offset;
        for (int d = 0; d < index.Length; d++) offset += index[d] * t.StrideArray[d];
        return offset;
    }
}
