using ILGPU;
using ILGPU.Runtime;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>
/// Device buffers per accelerator, recycled by size class (powers of two from 256 elements), so that
/// a steady training step rents what the previous step returned instead of allocating: device
/// allocations are slow (cudaMalloc synchronizes). <see cref="Allocations"/> counts real allocations,
/// for tests that check a warm loop allocates nothing new.
/// </summary>
internal sealed class IlgpuBufferPool<T>(Accelerator accelerator) : IDisposable where T : unmanaged
{
    private readonly Dictionary<long, Stack<MemoryBuffer1D<T, Stride1D.Dense>>> _free = [];
    private readonly Lock _gate = new();

    public int Allocations { get; private set; }

    public static long SizeClass(int length) => Math.Max(256, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 1)));

    public MemoryBuffer1D<T, Stride1D.Dense> Rent(int length)
    {
        long size = SizeClass(length);
        lock (_gate)
        {
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0) return stack.Pop();
            Allocations++;
        }
        return accelerator.Allocate1D<T>(size);
    }

    public void Return(MemoryBuffer1D<T, Stride1D.Dense> buffer)
    {
        lock (_gate)
        {
            if (!_free.TryGetValue(buffer.Length, out var stack)) _free[buffer.Length] = stack = new();
            stack.Push(buffer);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0) stack.Pop().Dispose();
        }
    }
}
