using System.Runtime.InteropServices;
using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Checkpoints;

/// <summary>One named array as safetensors stores it: a dtype, a shape and the raw little-endian bytes
/// (row-major). Independent of models: a state dict maps onto a dictionary of these.</summary>
public sealed class TensorEntry
{
    private readonly byte[] _bytes;

    /// <summary>Wraps raw bytes; their count must be numel x dtype size.</summary>
    public TensorEntry(SafeTensorDType dtype, int[] shape, byte[] bytes)
    {
        long numel = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"shape [{string.Join(", ", shape)}] has a negative size");
            numel = checked(numel * d);
        }
        if (checked(numel * dtype.Size()) != bytes.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] of {dtype} needs {numel * dtype.Size()} bytes, got {bytes.Length}");
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors support assumes a little-endian machine");
        DType = dtype;
        Shape = (int[])shape.Clone();
        _bytes = bytes;
        Numel = numel;
    }

    /// <summary>The element type of <see cref="Data"/>.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public int[] Shape { get; }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long Numel { get; }

    /// <summary>The raw little-endian bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A float32 entry holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static TensorEntry F32(float[] data, params int[] shape) => new(SafeTensorDType.F32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>A float64 entry holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static TensorEntry F64(double[] data, params int[] shape) => new(SafeTensorDType.F64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>An int64 entry holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static TensorEntry I64(long[] data, params int[] shape) => new(SafeTensorDType.I64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>An int32 entry holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static TensorEntry I32(int[] data, params int[] shape) => new(SafeTensorDType.I32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    /// <summary>A uint8 entry holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static TensorEntry U8(byte[] data, params int[] shape) => new(SafeTensorDType.U8, shape, (byte[])data.Clone());

    /// <summary>A copy of a tensor's values: float32 tensors as F32, float64 ones as F64.</summary>
    public static TensorEntry FromTensor(Tensor t) => t.DType == Tensors.DType.Float64
        ? F64(t.ToDoubleArray(), t.Shape.ToArray())
        : F32(t.ToArray(), t.Shape.ToArray());

    /// <summary>The elements as float32; throws when the entry's dtype is not F32.</summary>
    public float[] ToFloat32() => Cast<float>(SafeTensorDType.F32);

    /// <summary>The elements as float64; throws when the entry's dtype is not F64.</summary>
    public double[] ToFloat64() => Cast<double>(SafeTensorDType.F64);

    /// <summary>The elements as int64; throws when the entry's dtype is not I64.</summary>
    public long[] ToInt64() => Cast<long>(SafeTensorDType.I64);

    /// <summary>The elements as int32; throws when the entry's dtype is not I32.</summary>
    public int[] ToInt32() => Cast<int>(SafeTensorDType.I32);

    /// <summary>The elements as bytes; throws when the entry's dtype is not U8.</summary>
    public byte[] ToUInt8() => Cast<byte>(SafeTensorDType.U8);

    /// <summary>A new tensor with these values (F32 as float32, F64 as float64).</summary>
    public Tensor ToTensor(IBackend? backend = null) => DType switch
    {
        SafeTensorDType.F32 => Tensor.FromArray(ToFloat32(), Shape, backend),
        SafeTensorDType.F64 => Tensor.FromArray(ToFloat64(), Shape, Tensors.DType.Float64, backend),
        _ => throw new InvalidOperationException($"a {DType} entry cannot become a tensor: tensors hold F32 or F64"),
    };

    private T[] Cast<T>(SafeTensorDType expected) where T : struct
    {
        if (DType != expected) throw new InvalidOperationException($"entry holds {DType}, not {expected}");
        return MemoryMarshal.Cast<byte, T>(_bytes).ToArray();
    }
}
