using Scratchgen.Backends;

namespace Scratchgen.Tensors;

/// <summary>A flat buffer of elements owned by one backend. Tensors are views into a storage
/// (shape, strides, offset), so reshape, transpose, slice and expand copy nothing.</summary>
public abstract class Storage(IBackend backend, DType dtype, int length)
{
    /// <summary>The backend that owns the buffer.</summary>
    public IBackend Backend { get; } = backend;
    /// <summary>The element type.</summary>
    public DType DType { get; } = dtype;
    /// <summary>The number of elements.</summary>
    public int Length { get; } = length;

    /// <summary>True once <see cref="MemoryScope.End"/> has given this storage's memory back to its
    /// backend's pool: any further use throws.</summary>
    public bool IsReleased { get; private set; }

    /// <summary>Gives the memory back to the backend's pool (see <see cref="MemoryScope"/>).</summary>
    internal void Release()
    {
        if (IsReleased) return;
        IsReleased = true;
        OnRelease();
    }

    /// <summary>Returns the memory to its pool; storages that wrap memory they do not own do nothing.</summary>
    protected virtual void OnRelease() { }

    internal static ObjectDisposedException Released(Tensor t) => new(t.Describe(),
        $"tensor {t.Describe()} was released when its MemoryScope (a training step) ended; " +
        "name it in MemoryScope.End(keep: ...) or copy what you need before the step ends");
}

/// <summary>Storage in ordinary managed arrays: used by the Reference and Cpu backends.</summary>
internal sealed class HostStorage : Storage
{
    public readonly float[]? F32;
    public readonly double[]? F64;
    private readonly HostArrayPool? _pool;

    public HostStorage(IBackend backend, float[] data) : base(backend, DType.Float32, data.Length) => F32 = data;

    public HostStorage(IBackend backend, double[] data) : base(backend, DType.Float64, data.Length) => F64 = data;

    /// <summary>A float32 array rented from <paramref name="pool"/>, to which <see cref="Storage.Release"/> returns it.</summary>
    public HostStorage(IBackend backend, float[] data, HostArrayPool pool) : this(backend, data) => _pool = pool;

    protected override void OnRelease() => _pool?.Return(F32!);

    public static HostStorage Of(Tensor t)
    {
        var s = t.Storage as HostStorage ?? throw new InvalidOperationException(
            $"tensor {t.Describe()} lives on backend '{t.Backend.Name}', which does not keep host memory");
        return s.IsReleased ? throw Released(t) : s;
    }
}
