using ILGPU;
using ILGPU.Runtime;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Tensors;
using Expr = System.Linq.Expressions.Expression;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>
/// The GPU backend: every IBackend kernel as an ILGPU kernel (static methods in Kernels/), on one
/// accelerator (CUDA, OpenCL, or ILGPU's CPU accelerator for tests). Float32 only. One instance per
/// accelerator (IlgpuDevices makes them); calls are serialized by a lock, launches go to the
/// accelerator's default stream and downloads synchronize with it. Every launch is preceded by a
/// host-side bounds check: an out-of-range index on the CPU accelerator kills the process.
/// Partial files: .Elementwise (map/zip/copy/fill), .Reduce, .MatMul (and .MatMulTuning), .Gather, .Conv,
/// .BatchNorm, .Softmax, .Timeline (profiling markers for KernelTimeline).
/// ILGPU types stay inside this folder; callers see an IBackend.
/// </summary>
internal sealed partial class IlgpuBackend : IBackend, IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Dictionary<(string Kernel, Type? Fn), Delegate> _kernels = [];
    private readonly Lock _gate = new();

    internal IlgpuBackend(string name, Context context, Accelerator accelerator)
    {
        Name = name;
        _context = context;
        _accelerator = accelerator;
        Floats = new IlgpuBufferPool<float>(accelerator);
        Ints = new IlgpuBufferPool<int>(accelerator);
        GroupSize = (int)Math.Min(ReduceKernels.MaxGroup, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)accelerator.MaxNumThreadsPerGroup + 1) / 2);
        TuneMatMul = accelerator.AcceleratorType != AcceleratorType.CPU;
    }

    public string Name { get; }

    /// <summary>On a GPU the conv lowering's chunks are as large as 64 MB of columns (a DCGAN layer's whole
    /// batch of 128 in one chunk, where 2 MB chunks made 13 chunks of 4 launches per call: the 4,960
    /// reorders per epoch of the ilgpu log in kernels-docs/log/; what a GPU run has measured is in
    /// kernels-docs/ilgpu.md). Correctness on CUDA is covered by the large shape sets of the parity tests. ILGPU's CPU accelerator keeps the host's
    /// 2 MB, so CI still walks several chunks.</summary>
    public int ConvScratchFloats => _accelerator.AcceleratorType == AcceleratorType.CPU ? IConvChunks.DefaultScratchFloats : 1 << 24;

    /// <summary>What the accelerator says it is, for messages and the devices command.</summary>
    public string DeviceName => _accelerator.Name;

    internal IlgpuBufferPool<float> Floats { get; }

    internal IlgpuBufferPool<int> Ints { get; }

    /// <summary>Threads per group of the reduction kernels: a power of two, at most 256.</summary>
    internal int GroupSize { get; }

    internal Accelerator Accelerator => _accelerator;

    public bool Supports(DType dtype) => dtype == DType.Float32;

    /// <summary>Copies from host to device memory so far (uploads of data and index arrays), for
    /// tests that check a training step makes no copies besides its inputs.</summary>
    public long HostToDeviceCopies { get; private set; }

    /// <summary>Copies from device to host memory so far (downloads, index read-backs).</summary>
    public long DeviceToHostCopies { get; private set; }

    /// <summary>Kernels launched so far, for tests and for `bench models`, which prints launches per
    /// training step: at DCGAN sizes a GPU step is bound by launches, not by arithmetic.</summary>
    public long KernelLaunches { get; private set; }

    /// <summary>Kernels compiled and loaded so far (ILGPU compiles each kernel, per functor type, on its first
    /// launch) and the host time that took: on CUDA a first epoch pays it, a second one does not.</summary>
    public int KernelsCompiled => _kernels.Count;

    /// <summary>See <see cref="KernelsCompiled"/>.</summary>
    public TimeSpan KernelCompileTime { get; private set; }

    /// <summary>Device buffers allocated so far (the pool's misses), for tests that check a warm
    /// training step allocates nothing new.</summary>
    public long DeviceAllocations => Floats.Allocations + Ints.Allocations;

    public Storage Allocate(DType dtype, int length) => Rent(dtype, length, zero: true);

    /// <summary>A pooled buffer as the previous user left it: no memset launch. Outputs that a kernel
    /// writes in full (Op.NewOverwrittenOutput) come from here; before, they were zeroed too, and those
    /// memsets were 233 of a DCGAN step's 498 launches (ilgpu-cpu, batch 8).</summary>
    public Storage AllocateUninitialized(DType dtype, int length) => Rent(dtype, length, zero: false);

    private IlgpuStorage Rent(DType dtype, int length, bool zero)
    {
        RequireFloat32(dtype);
        lock (_gate)
        {
            var buffer = Floats.Rent(length);
            if (zero)
            {
                if (!DryRun)
                {
                    var start = Mark();
                    buffer.View.SubView(0, Math.Max(length, 1)).MemSetToZero();
                    EndTimed("memset", start);
                }
                KernelLaunches++; // a memset is a launch on the stream too
            }
            var storage = new IlgpuStorage(this, buffer, length);
            MemoryScope.Record(storage);
            return storage;
        }
    }

    public void Synchronize()
    {
        lock (_gate) _accelerator.Synchronize();
    }

    public Storage Upload(float[] data)
    {
        lock (_gate)
        {
            var buffer = Floats.Rent(data.Length);
            if (data.Length > 0)
            {
                var start = Mark();
                buffer.View.SubView(0, data.Length).CopyFromCPU(data);
                EndTimed("upload", start);
                HostToDeviceCopies++;
            }
            var storage = new IlgpuStorage(this, buffer, data.Length);
            MemoryScope.Record(storage);
            return storage;
        }
    }

    public Storage Upload(double[] data) => throw Float64NotSupported();

    public void Download(Tensor t, Span<float> dst)
    {
        if (t.Numel == 0) return;
        lock (_gate)
        {
            Check("download", t);
            DeviceToHostCopies++;
            if (t.IsContiguous)
            {
                var start = Mark();
                IlgpuStorage.Of(t).View.SubView(t.Offset, t.Numel).CopyToCPU(dst[..t.Numel]);
                EndTimed("download", start);
                return;
            }
            using var flat = Temporary(t.Numel, t.Dims);
            CopyLocked(t, flat.Tensor);
            var begin = Mark();
            flat.Storage.View.SubView(0, t.Numel).CopyToCPU(dst[..t.Numel]);
            EndTimed("download", begin);
        }
    }

    public void Download(Tensor t, Span<double> dst)
    {
        var f = new float[t.Numel];
        Download(t, f);
        for (int i = 0; i < f.Length; i++) dst[i] = f[i];
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Floats.Dispose();
            Ints.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }

    /// <summary>Diagnostics only: every launch and memset is counted but not run (a do-nothing delegate of
    /// the launcher's type), so a training step costs only its host work: shape checks, views, the buffer
    /// pool, autograd, read-backs of whatever the buffers hold. `Scratchgen.GpuRunner hoststep` times that,
    /// to tell a host-bound GPU step from a kernel-bound one. Results are garbage while it is on.</summary>
    internal bool DryRun { get; set; }

    private readonly Dictionary<Type, Delegate> _doNothing = [];

    /// <summary>Loads a kernel once per (name, functor type) and caches the launcher delegate. Every
    /// launch goes through here (callers invoke the delegate at once), so it also counts launches.</summary>
    private TDelegate Kernel<TDelegate>(string name, Type? fn, Func<Accelerator, TDelegate> load) where TDelegate : Delegate
    {
        KernelLaunches++;
        if (DryRun) return DoNothing<TDelegate>();
        if (!_kernels.TryGetValue((name, fn), out var d))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            _kernels[(name, fn)] = d = load(_accelerator);
            KernelCompileTime += System.Diagnostics.Stopwatch.GetElapsedTime(start);
        }
        return Timeline == null ? (TDelegate)d : Timed((TDelegate)d, fn == null ? name : $"{name}<{fn.Name}>");
    }

    private TDelegate DoNothing<TDelegate>() where TDelegate : Delegate
    {
        if (!_doNothing.TryGetValue(typeof(TDelegate), out var d))
        {
            var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters()
                .Select(p => Expr.Parameter(p.ParameterType)).ToArray();
            _doNothing[typeof(TDelegate)] = d = Expr.Lambda<TDelegate>(Expr.Empty(), parameters).Compile();
        }
        return (TDelegate)d;
    }

    /// <summary>Throws unless every element the view can address lies inside its storage.</summary>
    internal static void Check(string op, Tensor t)
    {
        var storage = IlgpuStorage.Of(t);
        if (t.Numel == 0) return;
        long lo = t.Offset, hi = t.Offset;
        for (int d = 0; d < t.Rank; d++)
        {
            long reach = (long)(t.Dims[d] - 1) * t.StrideArray[d];
            if (reach < 0) lo += reach; else hi += reach;
        }
        if (lo < 0 || hi >= storage.Length)
            throw new ArgumentOutOfRangeException(nameof(t),
                $"{op}: view {t.Describe()} (offset {t.Offset}, strides {Shapes.Format(t.StrideArray)}) reaches [{lo}, {hi}] outside its storage of {storage.Length} elements");
    }

    /// <summary>A pooled contiguous scratch tensor, returned to the pool on Dispose.</summary>
    private ScratchTensor Temporary(int length, int[] dims)
    {
        var storage = new IlgpuStorage(this, Floats.Rent(length), length);
        return new ScratchTensor(storage, new Tensor(storage, (int[])dims.Clone()));
    }

    private readonly record struct ScratchTensor(IlgpuStorage Storage, Tensor Tensor) : IDisposable
    {
        public void Dispose() => Storage.Dispose();
    }

    private static void RequireFloat32(DType dtype)
    {
        if (dtype != DType.Float32) throw Float64NotSupported();
    }

    private static NotSupportedException Float64NotSupported() =>
        new("the ilgpu backends compute in float32 only; use Backend.Reference for float64");
}
