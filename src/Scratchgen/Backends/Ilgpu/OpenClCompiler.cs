using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using Scratchgen.Backends.Ilgpu.Kernels;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>Generates a kernel's OpenCL C (version 2.0, for a device with the generic address space ILGPU
/// requires; no float64, float16, 64-bit atomics or subgroups) without an OpenCL device: ILGPU's OpenCL
/// backend runs on the host. Like <see cref="PtxCompiler"/>, each call uses a fresh context.</summary>
internal static class OpenClCompiler
{
    public static string Compile(KernelCatalog.Entry kernel)
    {
        using var context = Context.Create(b => b.EnableAlgorithms());
        var capabilities = new CLCapabilityContext(float16: false, float64: false, genericAddressSpace: true, int64_Atomics: false, subGroups: false);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var entry = kernel.ExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);
        return ((CLCompiledKernel)backend.Compile(entry, new KernelSpecialization())).Source;
    }
}
