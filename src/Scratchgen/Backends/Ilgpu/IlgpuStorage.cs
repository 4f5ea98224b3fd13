using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>Float32 elements in accelerator memory: a buffer rented from the backend's pool (it may be
/// longer than <see cref="Storage.Length"/>; only the first Length elements belong to this storage).
/// Dispose returns the buffer to the pool; an undisposed storage is freed by ILGPU's finalizer.</summary>
internal sealed class IlgpuStorage(IlgpuBackend backend, MemoryBuffer1D<float, Stride1D.Dense> buffer, int length)
    : Storage(backend, DType.Float32, length), IDisposable
{
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer = buffer;

    public ArrayView<float> View =>
        (_buffer ?? throw new ObjectDisposedException(nameof(IlgpuStorage))).View.SubView(0, Math.Max(Length, 1));

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b != null) ((IlgpuBackend)Backend).Floats.Return(b);
    }

    protected override void OnRelease() => Dispose();

    public static IlgpuStorage Of(Tensor t)
    {
        var s = t.Storage as IlgpuStorage ?? throw new InvalidOperationException(
            $"tensor {t.Describe()} lives on backend '{t.Backend.Name}', not on an ilgpu backend: move it with To() first");
        return s.IsReleased ? throw Released(t) : s;
    }
}
