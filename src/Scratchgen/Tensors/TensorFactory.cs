using Scratchgen.Backends;

namespace Scratchgen.Tensors;

// Creation: every factory takes an optional dtype and backend (default: float32 on Backend.Default).
// Random factories take an explicit Rng: there is no hidden global generator.
public sealed partial class Tensor
{
    private static IBackend Resolve(IBackend? backend, DType dtype, string op)
    {
        var b = backend ?? Backends.Backend.Default;
        if (!b.Supports(dtype))
            throw new NotSupportedException($"{op}: backend '{b.Name}' does not support {dtype.Name()} (the Reference backend computes in float64)");
        return b;
    }

    /// <summary>A contiguous tensor of zeros.</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32, IBackend? backend = null)
    {
        var b = Resolve(backend, dtype, "Zeros");
        return new Tensor(b.Allocate(dtype, Shapes.Numel(shape)), (int[])shape.Clone());
    }

    /// <summary>A new tensor with every element 1.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32, IBackend? backend = null) =>
        Full(shape, 1.0, dtype, backend);

    /// <summary>A new tensor with every element <paramref name="value"/>: one Fill over an uninitialized buffer (on a
    /// GPU one launch; a zeroed buffer first would be a memset more).</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32, IBackend? backend = null)
    {
        if (value == 0) return Zeros(shape, dtype, backend);
        var b = Resolve(backend, dtype, "Full");
        var t = new Tensor(b.AllocateUninitialized(dtype, Shapes.Numel(shape)), (int[])shape.Clone());
        b.Fill(t, value);
        return t;
    }

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32, IBackend? backend = null) =>
        Full([], value, dtype, backend);

    /// <summary>[start, start+step, ...) up to but excluding stop, as in NumPy.</summary>
    public static Tensor Arange(double start, double stop, double step = 1, DType dtype = DType.Float32, IBackend? backend = null)
    {
        if (step == 0) throw new ArgumentException("Arange: step must not be 0");
        int n = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var target = Resolve(backend, dtype, "Arange");
        var values = Values(n);
        for (int i = 0; i < n; i++) values[i] = start + i * step;
        return FromValues(values, [n], dtype, target);
    }

    /// <summary>0, 1, ..., n - 1 as a 1-D tensor.</summary>
    public static Tensor Arange(int n, DType dtype = DType.Float32, IBackend? backend = null) => Arange(0, n, 1, dtype, backend);

    /// <summary>Uniform in [low, high).</summary>
    public static Tensor Rand(int[] shape, Rng rng, double low = 0, double high = 1, DType dtype = DType.Float32, IBackend? backend = null)
    {
        var target = Resolve(backend, dtype, "Rand");
        int n = Shapes.Numel(shape);
        var values = Values(n);
        for (int i = 0; i < n; i++) values[i] = low + (high - low) * rng.NextDouble();
        return FromValues(values, shape, dtype, target);
    }

    /// <summary>Normal with the given mean and standard deviation.</summary>
    public static Tensor RandN(int[] shape, Rng rng, double mean = 0, double std = 1, DType dtype = DType.Float32, IBackend? backend = null)
    {
        var target = Resolve(backend, dtype, "RandN");
        int n = Shapes.Numel(shape);
        var values = Values(n);
        rng.FillNormal(values, n);
        for (int i = 0; i < n; i++) values[i] = mean + std * values[i];
        return FromValues(values, shape, dtype, target);
    }

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> data, int[] shape, IBackend? backend = null)
    {
        CheckLength("FromArray", data.Length, shape);
        var b = Resolve(backend, DType.Float32, "FromArray");
        return new Tensor(b.UploadCopy(data), (int[])shape.Clone());
    }

    /// <summary>A tensor of the given dtype holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(ReadOnlySpan<double> data, int[] shape, DType dtype = DType.Float64, IBackend? backend = null)
    {
        CheckLength("FromArray", data.Length, shape);
        return FromHost(data.ToArray(), shape, dtype, backend, "FromArray");
    }

    /// <summary>A 1-D float32 tensor.</summary>
    public static Tensor FromArray(float[] data, IBackend? backend = null) => FromArray(data, [data.Length], backend);

    private static Tensor FromHost(double[] values, int[] shape, DType dtype, IBackend? backend, string op)
    {
        var b = Resolve(backend, dtype, op);
        CheckLength(op, values.Length, shape);
        if (dtype == DType.Float64) return new Tensor(b.Upload(values), (int[])shape.Clone());
        var f = HostArray<float>(values.Length);
        for (int i = 0; i < f.Length; i++) f[i] = (float)values[i];
        return new Tensor(b.Upload(f), (int[])shape.Clone());
    }

    // The factories above compute their values in float64 into a per-thread staging array (Values), and
    // FromValues rounds them once to the dtype: float32 through a second staging array and the backend's
    // UploadCopy (pooled memory), so sampling a batch of latent codes each training step allocates nothing
    // new. Staging arrays are kept up to StagingLimit elements; bigger requests use one-off arrays.
    private const int StagingLimit = 1 << 20;
    [ThreadStatic] private static double[]? t_values;
    [ThreadStatic] private static float[]? t_staging;

    private static double[] Values(int n) =>
        n <= StagingLimit ? (t_values is { } s && s.Length >= n ? s : t_values = HostArray<double>(n)) : HostArray<double>(n);

    private static Tensor FromValues(double[] values, int[] shape, DType dtype, IBackend target)
    {
        int n = Shapes.Numel(shape);
        if (dtype == DType.Float64) return new Tensor(target.Upload(values.AsSpan(0, n).ToArray()), (int[])shape.Clone());
        float[] staging = n <= StagingLimit ? (t_staging is { } s && s.Length >= n ? s : t_staging = HostArray<float>(n)) : HostArray<float>(n);
        for (int i = 0; i < n; i++) staging[i] = (float)values[i];
        return new Tensor(target.UploadCopy(staging.AsSpan(0, n)), (int[])shape.Clone());
    }

    // Host staging arrays for random and converted values: out of memory here is reported like a
    // backend's (bytes asked for and a hint), not as the runtime's bare OutOfMemoryException.
    private static T[] HostArray<T>(int length) where T : unmanaged => DeviceOutOfMemoryException.NewHostArray<T>("host", length);

    private static void CheckLength(string op, int length, int[] shape)
    {
        if (Shapes.Numel(shape) != length)
            throw new ShapeException(op, $"{length} values cannot fill shape {Shapes.Format(shape)} ({Shapes.Numel(shape)} elements)");
    }

    /// <summary>A copy on another backend (and/or dtype). Not recorded by autograd: the copy is a new leaf.</summary>
    public Tensor To(IBackend backend, DType? dtype = null)
    {
        var target = dtype ?? DType;
        if (target == DType.Float64 || DType == DType.Float64)
            return FromHost(ToDoubleArray(), Dims, target, backend, "To");
        var b = Resolve(backend, target, "To");
        return new Tensor(b.Upload(ToArray()), (int[])Dims.Clone());
    }

    /// <summary>A new uninitialised-looking (zeroed) contiguous tensor like this one, or of another shape.</summary>
    internal Tensor NewEmpty(int[] shape) => new(Backend.Allocate(DType, Shapes.Numel(shape)), shape);

    /// <summary>A new contiguous tensor whose contents are unspecified (see
    /// <see cref="IBackend.AllocateUninitialized"/>): only for outputs that a kernel writes in full.</summary>
    internal Tensor NewUninitialized(int[] shape) => new(Backend.AllocateUninitialized(DType, Shapes.Numel(shape)), shape);
}
