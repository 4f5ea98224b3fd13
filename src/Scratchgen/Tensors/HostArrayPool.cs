namespace Scratchgen.Tensors;

/// <summary>
/// Float arrays kept for reuse, by exact length: a training step allocates the same shapes every
/// time, so the arrays a step released (see <see cref="MemoryScope"/>) are exactly what the next step
/// asks for. Rented arrays are cleared, like a fresh allocation. At most <see cref="MaxBytes"/> are
/// held; past that, returned arrays are left to the garbage collector.
/// </summary>
internal sealed class HostArrayPool(string device, long maxBytes)
{
    private readonly Dictionary<int, Stack<float[]>> _free = [];
    private readonly Lock _gate = new();
    private long _heldBytes;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Arrays handed out that the pool did not have (fresh allocations).</summary>
    public long Misses { get; private set; }

    public float[] Rent(int length)
    {
        if (length == 0) return [];
        float[]? array = null;
        lock (_gate)
        {
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                array = stack.Pop();
                _heldBytes -= 4L * length;
            }
            else Misses++;
        }
        if (array == null) return DeviceOutOfMemoryException.NewHostArray<float>(device, length);
        Array.Clear(array);
        return array;
    }

    public void Return(float[] array)
    {
        if (array.Length == 0) return;
        lock (_gate)
        {
            if (_heldBytes + 4L * array.Length > MaxBytes) return;
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new();
            stack.Push(array);
            _heldBytes += 4L * array.Length;
        }
    }
}
