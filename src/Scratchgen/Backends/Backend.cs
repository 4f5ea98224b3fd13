using Scratchgen.Backends.Cpu;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Reference;

namespace Scratchgen.Backends;

/// <summary>The backends that ship with Scratchgen, and the default one new tensors use.</summary>
public static class Backend
{
    /// <summary>The Reference backend: plain scalar loops in float32 and float64, the correctness baseline the others are tested against.</summary>
    public static IBackend Reference => ReferenceBackend.Instance;

    /// <summary>The Cpu backend: SIMD (AVX2/AVX-512) and multithreaded kernels in float32 and float64; the default.</summary>
    public static IBackend Cpu => CpuBackend.Instance;

    /// <summary>Where factories put tensors when no backend is named. The one piece of mutable static
    /// state in the engine, by design: tests and the CLI set it explicitly.</summary>
    public static IBackend Default { get; set; } = CpuBackend.Instance;

    /// <summary>Every name <see cref="FromName"/> takes, in the order help texts list them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["cpu", "reference", "cuda", "opencl", "ilgpu-cpu", "auto"];

    /// <summary>A backend by its command-line name (<see cref="Names"/>): cpu, reference, cuda, opencl,
    /// ilgpu-cpu, or auto (CUDA when a CUDA device is usable, else cpu). A GPU backend that cannot start
    /// throws NotSupportedException saying why (no device, no driver, a capability ILGPU requires).</summary>
    public static IBackend FromName(string name) => name.ToLowerInvariant() switch
    {
        "reference" => Reference,
        "cpu" => Cpu,
        "cuda" or "opencl" or "ilgpu-cpu" => IlgpuDevices.Get(name.ToLowerInvariant()),
        "auto" => IlgpuDevices.CudaAvailable() ? IlgpuDevices.Get("cuda") : Cpu,
        _ => throw new ArgumentException($"unknown backend '{name}': expected one of {string.Join(", ", Names)}"),
    };
}
