using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Scratchgen.Backends.Ilgpu.Kernels;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>One accelerator as the devices command shows it: plain strings, no ILGPU types.</summary>
internal sealed record IlgpuDeviceInfo(string Backend, string Device, bool Usable, string Details);

/// <summary>
/// Finds ILGPU accelerators and makes one <see cref="IlgpuBackend"/> per kind on first use
/// (cuda: the first CUDA device; opencl: the first OpenCL device ILGPU accepts; ilgpu-cpu: ILGPU's
/// CPU accelerator with its default 16 threads per group: each emulated thread is an OS thread, so
/// 256-thread groups would swamp a small machine; matmul falls back to V1 there, see MatMul).
/// A kind that cannot be created throws <see cref="NotSupportedException"/> with the reason
/// (no device, no driver, or ILGPU's refusal such as OpenCL without the generic address space).
/// </summary>
internal static class IlgpuDevices
{
    private static readonly Lazy<IlgpuBackend> CudaBackend = new(() => Open("cuda"));
    private static readonly Lazy<IlgpuBackend> OpenClBackend = new(() => Open("opencl"));
    private static readonly Lazy<IlgpuBackend> CpuBackend = new(() => Open("ilgpu-cpu"));

    /// <summary>When set to a rung's name (MatMulKernels.Variant, e.g. V5Vectorized), every product of the shared
    /// ILGPU backends runs that rung instead of the rung tuned per product: an operator's switch, e.g. for a device
    /// on which a rung misbehaves (bench/gpu/session.sh sets it when a rung fails its first check there).</summary>
    public const string MatMulEnvironmentVariable = "SCRATCHGEN_MATMUL";

    /// <summary>The rung <paramref name="value"/> (SCRATCHGEN_MATMUL's value) names, null when it is unset or empty.</summary>
    internal static MatMulKernels.Variant? MatMulOverride(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : MatMulKernels.Named(value) ?? throw new ArgumentException($"{MatMulEnvironmentVariable} is '{value}': expected one of {string.Join(", ", Enum.GetNames<MatMulKernels.Variant>())}, or unset to tune the rung per product");

    // The environment is read before the device is opened, so a bad value leaves no device half made.
    private static IlgpuBackend Open(string kind) => Open(kind, Environment.GetEnvironmentVariable(MatMulEnvironmentVariable));

    internal static IlgpuBackend Open(string kind, string? matMulOverride)
    {
        var rung = MatMulOverride(matMulOverride);
        var backend = Create(kind);
        if (rung is { } fixedRung) backend.MatMulVariant = fixedRung;
        return backend;
    }

    /// <summary>The shared backend of a kind: "cuda", "opencl" or "ilgpu-cpu".</summary>
    public static IlgpuBackend Get(string kind) => kind switch
    {
        "cuda" => CudaBackend.Value,
        "opencl" => OpenClBackend.Value,
        "ilgpu-cpu" => CpuBackend.Value,
        _ => throw new ArgumentException($"unknown ilgpu backend '{kind}': expected cuda, opencl or ilgpu-cpu"),
    };

    /// <summary>True when a CUDA device is present and usable (never throws).</summary>
    public static bool CudaAvailable()
    {
        try { return CudaBackend.Value != null; }
        catch (Exception) { return false; }
    }

    /// <summary>A private CPU-accelerator backend with <paramref name="threadsPerGroup"/> threads per group
    /// (a multiple of 4): the matmul ladder tests use 256 to run V2 and V3 at tiny sizes. Dispose it.</summary>
    internal static IlgpuBackend CreateCpu(int threadsPerGroup)
    {
        var device = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: threadsPerGroup / 4, numMultiprocessors: 1);
        var context = Context.Create(b => b.CPU(device).EnableAlgorithms().Profiling());
        return new IlgpuBackend($"ilgpu-cpu-{threadsPerGroup}", context, device.CreateAccelerator(context));
    }

    // Every context is built with Profiling(), which lets the stream take profiling markers (KernelTimeline);
    // ILGPU only checks the flag when a marker is added (OpenCL queues are created with profiling on).
    private static IlgpuBackend Create(string kind)
    {
        NativeLibraries.Install();
        Context? context = null;
        try
        {
            switch (kind)
            {
                case "cuda":
                    context = Context.Create(b => b.Cuda().EnableAlgorithms().Profiling());
                    var cuda = context.GetCudaDevices();
                    if (cuda.Count == 0)
                        throw new DeviceUnavailableException("cuda: ILGPU found no CUDA device (no NVIDIA GPU, or the driver library libcuda.so.1 is missing); use --backend cpu");
                    return new IlgpuBackend("cuda", context, cuda[0].CreateAccelerator(context));
                case "opencl":
                    context = Context.Create(b => b.OpenCL(_ => true).EnableAlgorithms().Profiling());
                    var cl = context.GetCLDevices();
                    if (cl.Count == 0)
                        throw new DeviceUnavailableException("opencl: no OpenCL platform or device was found (is an ICD such as the GPU vendor's installed?); use --backend cpu");
                    return new IlgpuBackend("opencl", context, CreateOpenCl(context, cl[0]));
                default:
                    context = Context.Create(b => b.CPU(CPUDeviceKind.Default).EnableAlgorithms().Profiling());
                    return new IlgpuBackend("ilgpu-cpu", context, context.GetCPUDevice(0).CreateAccelerator(context));
            }
        }
        catch (Exception e) when (e is not NotSupportedException || context == null)
        {
            context?.Dispose();
            throw new DeviceUnavailableException($"{kind}: the device could not be opened: {Reason(e)}; use --backend cpu", e);
        }
        catch
        {
            context?.Dispose();
            throw;
        }
    }

    private static Accelerator CreateOpenCl(Context context, CLDevice device)
    {
        try { return device.CreateAccelerator(context); }
        catch (CapabilityNotSupportedException e)
        {
            throw new DeviceUnavailableException(
                $"opencl: ILGPU refuses '{device.Name}': {e.Message} (ILGPU needs OpenCL 2.0 with the generic address space; PoCL lacks it); use --backend cpu", e);
        }
    }

    /// <summary>Every accelerator ILGPU sees, usable or not, with the reason for a refusal.</summary>
    public static IReadOnlyList<IlgpuDeviceInfo> List()
    {
        NativeLibraries.Install();
        var result = new List<IlgpuDeviceInfo>();
        try
        {
            using var context = Context.Create(b => b.AllAccelerators().OpenCL(_ => true));
            foreach (var device in context)
            {
                string kind = device.AcceleratorType switch
                {
                    AcceleratorType.Cuda => "cuda",
                    AcceleratorType.OpenCL => "opencl",
                    _ => "ilgpu-cpu",
                };
                string details = $"{device.MemorySize / (1 << 20)} MiB, {device.MaxNumThreadsPerGroup} threads/group";
                bool usable = true;
                if (device is CLDevice cl)
                {
                    details += $", {cl.CVersion}";
                    try { using var acc = cl.CreateAccelerator(context); }
                    catch (Exception e) { usable = false; details = $"refused by ILGPU: {Reason(e)} (needs OpenCL 2.0 with the generic address space)"; }
                }
                if (kind == "ilgpu-cpu") details = "ILGPU's CPU accelerator (emulated GPU threads: a correctness tool, far slower than the cpu backend)";
                result.Add(new IlgpuDeviceInfo(kind, device.Name, usable, details));
            }
        }
        catch (Exception e)
        {
            result.Add(new IlgpuDeviceInfo("ilgpu", "-", false, $"ILGPU could not enumerate devices: {Reason(e)}"));
        }
        if (!result.Any(r => r.Backend == "cuda"))
            result.Add(new IlgpuDeviceInfo("cuda", "-", false, "no CUDA device (no NVIDIA GPU, or libcuda.so.1 is not installed)"));
        if (!result.Any(r => r.Backend == "opencl"))
            result.Add(new IlgpuDeviceInfo("opencl", "-", false, "no OpenCL device (no ICD registered in /etc/OpenCL/vendors, or libOpenCL.so.1 is missing)"));
        return result;
    }

    private static string Reason(Exception e) => $"{e.GetType().Name}: {e.Message}";

    /// <summary>Maps the unversioned library names ILGPU imports ("cuda", "OpenCL") to the versioned
    /// .so.1 files that drivers install when the -dev symlink is absent.</summary>
    private static class NativeLibraries
    {
        private static int _installed;

        public static void Install()
        {
            if (Interlocked.Exchange(ref _installed, 1) == 1) return;
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (NativeLibrary.TryLoad(name, assembly, path, out var handle)) return handle;
            string? versioned = name.ToLowerInvariant() switch
            {
                "cuda" or "nvcuda" or "libcuda" or "libcuda.so" => "libcuda.so.1",
                "opencl" or "libopencl" or "libopencl.so" => "libOpenCL.so.1",
                _ => null,
            };
            return versioned != null && OperatingSystem.IsLinux() && NativeLibrary.TryLoad(versioned, out handle) ? handle : IntPtr.Zero;
        }
    }
}
