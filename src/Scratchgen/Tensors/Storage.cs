using Scratchgen.Backends;

namespace Scratchgen.Tensors;

/// <summary>A flat buffer of elements owned by one backend. Tensors are views into a storage
/// (shape, strides, offset), so reshape, transpose, slice and expand copy nothing.</summary>
public abstract class Storage(IBackend backend, DType dtype, int length)
{
    public IBackend Backend { get; } = backend;
    public DType DType { get; } = dtype;
    public int Length { get; } = length;
}

/// <summary>Storage in ordinary managed arrays: used by the Reference and Cpu backends.</summary>
internal sealed class HostStorage : Storage
{
    public readonly float[]? F32;
    public readonly double[]? F64;

    public HostStorage(IBackend backend, float[] data) : base(backend, DType.Float32, data.Length) => F32 = data;

    public HostStorage(IBackend backend, double[] data) : base(backend, DType.Float64, data.Length) => F64 = data;

    public static HostStorage Of(Tensor t) =>
        t.Storage as HostStorage ?? throw new InvalidOperationException(
            $"tensor {t.Describe()} lives on backend '{t.Backend.Name}', which does not keep host memory");
}
