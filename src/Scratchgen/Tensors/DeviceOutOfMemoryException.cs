namespace Scratchgen.Tensors;

/// <summary>
/// A backend could not allocate a tensor's storage: host memory for the Cpu and Reference backends
/// (the .NET runtime's OutOfMemoryException, e.g. under a container's memory limit), device memory
/// for the Ilgpu backend (after its buffer pool has been emptied and the allocation retried once).
/// The message names the backend, the bytes asked for and the usual remedy.
/// </summary>
public sealed class DeviceOutOfMemoryException(string device, DType dtype, long elements, Exception inner)
    : Exception(
        $"out of memory on {device}: could not allocate {Bytes(dtype, elements):N0} bytes " +
        $"({Bytes(dtype, elements) / (1024.0 * 1024.0):F1} MiB, a {dtype} tensor of {elements:N0} elements). " +
        "A smaller batch size (--batch-size) or a smaller model needs less.", inner)
{
    /// <summary>The device that ran out (a backend name and device).</summary>
    public string Device { get; } = device;

    /// <summary>The size of the allocation that failed, in bytes.</summary>
    public long BytesRequested { get; } = Bytes(dtype, elements);

    private static long Bytes(DType dtype, long elements) => elements * (dtype == DType.Float64 ? 8 : 4);

    /// <summary>A new host array of float or double, with the runtime's OutOfMemoryException reported as
    /// this one (bytes asked for and a hint): every host allocation of tensor memory goes through here.</summary>
    internal static T[] NewHostArray<T>(string device, int length, bool pinned = false) where T : unmanaged
    {
        try
        {
            return pinned ? GC.AllocateArray<T>(length, pinned: true) : new T[length];
        }
        catch (OutOfMemoryException ex)
        {
            throw new DeviceOutOfMemoryException(device, typeof(T) == typeof(double) ? DType.Float64 : DType.Float32, length, ex);
        }
    }
}
