namespace Scratchgen.Tensors;

/// <summary>
/// Float arrays kept for reuse, by exact length: a training step allocates the same shapes every
/// time, so the arrays a step released (see <see cref="MemoryScope"/>) are exactly what the next step
/// asks for. Rented arrays are cleared, like a fresh allocation, unless the caller says it will write
/// every element first (an op's output: clearing those showed in dotnet-trace of a DCGAN step,
/// the peers log in kernels-docs/log/); the owner may pass its own <c>clear</c> (the Cpu backend's
/// uses both cores for big arrays), by default Array.Clear. At most <see cref="MaxBytes"/> are
/// held; past that, returned arrays are left to the garbage collector.
///
/// An array allocated while a <see cref="MemoryScope"/> is open will come back to the pool (or be
/// kept by the model), so it lives as long as the run: it goes straight to the pinned object heap,
/// which the collector never copies and which does not count against generation 0's budget (born in
/// generation 0, each such array would be copied on its way to generation 2; the MLP AE's peak RSS is
/// lower this way: the source-comments log in kernels-docs/log/).
/// </summary>
internal sealed class HostArrayPool(string device, long maxBytes, Action<float[]>? clear = null)
{
    private readonly Action<float[]> _clear = clear ?? (array => Array.Clear(array));
    private readonly Dictionary<int, Stack<float[]>> _free = [];
    private readonly Lock _gate = new();
    private long _heldBytes;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Arrays handed out that the pool did not have (fresh allocations).</summary>
    public long Misses { get; private set; }

    /// <summary>Bytes handed out and not returned yet (arrays left to the collector stay counted).</summary>
    public long OutstandingBytes { get; private set; }

    /// <summary>The largest <see cref="OutstandingBytes"/> since the last <see cref="ResetPeak"/>.</summary>
    public long PeakOutstandingBytes { get; private set; }

    /// <summary>Bytes handed out since the last <see cref="ResetPeak"/>, returned or not.</summary>
    public long RentedBytes { get; private set; }

    public void ResetPeak()
    {
        lock (_gate) (PeakOutstandingBytes, RentedBytes) = (OutstandingBytes, 0);
    }

    /// <summary>Bytes held for reuse.</summary>
    public long HeldBytes
    {
        get { lock (_gate) return _heldBytes; }
    }

    /// <summary>Drops every held array (to the garbage collector); arrays handed out come back as usual.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _free.Clear();
            _heldBytes = 0;
        }
    }

    public float[] Rent(int length, bool clear = true)
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
            OutstandingBytes += 4L * length;
            RentedBytes += 4L * length;
            PeakOutstandingBytes = Math.Max(PeakOutstandingBytes, OutstandingBytes);
        }
        if (array == null) return DeviceOutOfMemoryException.NewHostArray<float>(device, length, pinned: MemoryScope.IsOpen);
        if (clear) _clear(array);
        return array;
    }

    public void Return(float[] array)
    {
        if (array.Length == 0) return;
        lock (_gate)
        {
            OutstandingBytes -= 4L * array.Length;
            if (_heldBytes + 4L * array.Length > MaxBytes) return;
            if (!_free.TryGetValue(array.Length, out var stack)) _free[array.Length] = stack = new();
            stack.Push(array);
            _heldBytes += 4L * array.Length;
        }
    }
}
