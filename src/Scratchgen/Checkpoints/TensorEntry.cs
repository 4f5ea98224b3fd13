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

    public SafeTensorDType DType { get; }

    public int[] Shape { get; }

    public long Numel { get; }

    /// <summary>The raw little-endian bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public static TensorEntry F32(float[] data, params int[] shape) => new(SafeTensorDType.F32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static TensorEntry F64(double[] data, params int[] shape) => new(SafeTensorDType.F64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static TensorEntry I64(long[] data, params int[] shape) => new(SafeTensorDType.I64, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static TensorEntry I32(int[] data, params int[] shape) => new(SafeTensorDType.I32, shape, MemoryMarshal.AsBytes(data.AsSpan()).ToArray());

    public static TensorEntry U8(byte[] data, params int[] shape) => new(SafeTensorDType.U8, shape, (byte[])data.Clone());

    /// <summary>A copy of a tensor's values: float32 tensors as F32, float64 ones as F64.</summary>
    public static TensorEntry FromTensor(Tensor t) => t.DType == Tensors.DType.Float64
        ? F64(t.ToDoubleArray(), t.Shape.ToArray())
        : F32(t.ToArray(), t.Shape.ToArray());

    public float[] ToFloat32() => Cast<float>(SafeTensorDType.F32);

    public double[] ToFloat64() => Cast<double>(SafeTensorDType.F64);

    public long[] ToInt64() => Cast<long>(SafeTensorDType.I64);

    public int[] ToInt32() => Cast<int>(SafeTensorDType.I32);

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
