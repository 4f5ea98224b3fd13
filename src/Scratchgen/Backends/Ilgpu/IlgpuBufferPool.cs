using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>
/// Device buffers per accelerator, recycled by size class (powers of two from 256 elements), so that
/// a steady training step rents what the previous step returned instead of allocating: device
/// allocations are slow (cudaMalloc synchronizes). <see cref="Allocations"/> counts real allocations,
/// for tests that check a warm loop allocates nothing new. When the device is out of memory the pool
/// frees every cached buffer and tries once more (like PyTorch's caching allocator), then throws a
/// <see cref="DeviceOutOfMemoryException"/> naming the bytes asked for.
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
        try
        {
            return accelerator.Allocate1D<T>(size);
        }
        catch (Exception ex) when (IsOutOfMemory(ex))
        {
            Dispose();
            try
            {
                return accelerator.Allocate1D<T>(size);
            }
            catch (Exception again) when (IsOutOfMemory(again))
            {
                throw new DeviceOutOfMemoryException(accelerator.Name, DType.Float32, size * (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() / 4), again);
            }
        }
    }

    /// <summary>How each ILGPU runtime reports an allocation it could not make.</summary>
    internal static bool IsOutOfMemory(Exception ex) => ex switch
    {
        OutOfMemoryException => true,
        CudaException cuda => cuda.Error.Contains("OUT_OF_MEMORY", StringComparison.Ordinal),
        CLException cl => cl.Error.ToString() is "CL_OUT_OF_RESOURCES" or "CL_MEM_OBJECT_ALLOCATION_FAILURE" or "CL_OUT_OF_HOST_MEMORY",
        _ => false,
    };

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
