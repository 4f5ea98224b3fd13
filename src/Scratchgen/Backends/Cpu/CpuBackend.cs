using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

/// <summary>
/// The fast backend for machines without a GPU: float32 in managed arrays, AVX2/FMA through
/// Vector256, work split over the cores. Each kernel family is one partial file:
/// elementwise (CpuBackend.Elementwise.cs), reductions (.Reduce.cs), matmul (.MatMul.cs, which calls
/// the packed GEMM in Gemm/), gather/scatter (.Gather.cs). Every kernel is tested against the
/// Reference backend on awkward and round sizes.
/// </summary>
internal sealed partial class CpuBackend : IBackend, IPooledMemory
{
    public static readonly CpuBackend Instance = new();

    private CpuBackend() { }

    /// <summary>Arrays released by <see cref="MemoryScope"/>s, reused by later allocations (up to 2 GiB held).</summary>
    private readonly HostArrayPool _pool = new("cpu", 2L << 30, clear: array => FillParallel(array, 0, array.Length, 0f));

    /// <summary>The pool's accounting (fresh allocations, peak bytes in use, bytes handed out), for tests
    /// that check a warm step reuses memory.</summary>
    internal HostArrayPool Pool => _pool;

    public long PooledBytes => _pool.HeldBytes;

    public void ReleasePooled() => _pool.Clear();

    public string Name => "cpu";

    public bool Supports(DType dtype) => dtype == DType.Float32;

    public Storage Allocate(DType dtype, int length) => Rent(dtype, length, clear: true);

    public Storage AllocateUninitialized(DType dtype, int length) => Rent(dtype, length, clear: false);

    private HostStorage Rent(DType dtype, int length, bool clear)
    {
        RequireFloat32(dtype);
        var storage = new HostStorage(this, _pool.Rent(length, clear), _pool);
        MemoryScope.Record(storage);
        return storage;
    }

    public Storage Upload(float[] data) => new HostStorage(this, data);

    public Storage UploadCopy(ReadOnlySpan<float> data)
    {
        var storage = Rent(DType.Float32, data.Length, clear: false);
        data.CopyTo(storage.F32);
        return storage;
    }

    public Storage Upload(double[] data) => throw Float64NotSupported();

    public void Download(Tensor t, Span<float> dst)
    {
        if (t.IsContiguous)
        {
            Data(t).AsSpan(t.Offset, t.Numel).CopyTo(dst);
            return;
        }
        var flat = new float[t.Numel];
        Copy(t, new Tensor(Upload(flat), (int[])t.Dims.Clone()));
        flat.CopyTo(dst);
    }

    public void Download(Tensor t, Span<double> dst)
    {
        var f = new float[t.Numel];
        Download(t, f);
        for (int i = 0; i < f.Length; i++) dst[i] = f[i];
    }

    public unsafe void Copy(Tensor src, Tensor dst)
    {
        if (src.IsContiguous && dst.IsContiguous)
        {
            Data(src).AsSpan(src.Offset, src.Numel).CopyTo(Data(dst).AsSpan(dst.Offset, dst.Numel));
            return;
        }
        var rows = new StridedRows(dst, src);
        float[] s = Data(src), d = Data(dst);
        int sd = rows.RowStride(0), ss = rows.RowStride(1), n = rows.RowLength;
        CpuParallel.For(rows.RowCount, n, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int di = rows.RowStart(0, r), si = rows.RowStart(1, r);
                if (sd == 1 && ss == 0) d.AsSpan(di, n).Fill(s[si]); // a broadcast row (a bias over a plane, say)
                else if (sd == 1 && ss == 1) s.AsSpan(si, n).CopyTo(d.AsSpan(di, n));
                else for (int i = 0; i < n; i++, di += sd, si += ss) d[di] = s[si];
            }
        });
    }

    public void Fill(Tensor dst, double value)
    {
        if (dst.IsContiguous) FillParallel(Data(dst), dst.Offset, dst.Numel, (float)value);
        else Copy(Scalar((float)value).BroadcastTo(dst.Dims), dst);
    }

    // data[offset .. offset + count) = value, on both cores from 256K floats (a DCGAN layer's zeroed
    // output is megabytes): Fill and the pool's clearing of reused arrays.
    private static void FillParallel(float[] data, int offset, int count, float value) =>
        CpuParallel.For(count, 1, (i0, i1) => data.AsSpan(offset + i0, i1 - i0).Fill(value), minWork: 1 << 18);

    /// <summary>The float array behind a tensor of this backend.</summary>
    internal static float[] Data(Tensor t) =>
        HostStorage.Of(t).F32 ?? throw new InvalidOperationException($"{t.Describe()}: the cpu backend holds float32 only");

    /// <summary>The tensor's elements as one contiguous run: its own storage when it is contiguous,
    /// else a packed copy. Returns the array and the index of the first element.</summary>
    private (float[] Array, int Offset) Contiguous(Tensor t)
    {
        if (t.IsContiguous) return (Data(t), t.Offset);
        var flat = new float[t.Numel];
        Download(t, flat);
        return (flat, 0);
    }

    private Tensor Scalar(float value) => new(Upload([value]), [1]);

    private static void RequireFloat32(DType dtype)
    {
        if (dtype != DType.Float32) throw Float64NotSupported();
    }

    private static NotSupportedException Float64NotSupported() =>
        new("the cpu backend computes in float32 only; use Backend.Reference for float64");
}

internal static class CpuTensorViews
{
    /// <summary>A zero-stride view of a one-element tensor at a larger shape.</summary>
    public static Tensor BroadcastTo(this Tensor scalar, int[] shape) =>
        new(scalar.Storage, (int[])shape.Clone(), new int[shape.Length], scalar.Offset);
}
