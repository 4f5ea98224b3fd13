using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Scratchgen.Backends.Ilgpu.Kernels;

namespace Scratchgen.Backends.Ilgpu;

/// <summary>Compiles a kernel to PTX for an NVIDIA architecture without a GPU or driver (ILGPU's PTX
/// backend runs on the host). Each call uses a fresh context: a failed compile leaves an ILGPU
/// context unusable for the kernels after it.</summary>
internal static class PtxCompiler
{
    public static string Compile(KernelCatalog.Entry kernel, CudaArchitecture? architecture = null, CudaInstructionSet? isa = null)
    {
        using var context = Context.Create(b => b.EnableAlgorithms());
        var arch = architecture ?? CudaArchitecture.SM_90;
        using var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, isa ?? CudaInstructionSet.ISA_80, null!);
        var entry = kernel.ExplicitlyGrouped
            ? EntryPointDescription.FromExplicitlyGroupedKernel(kernel.Method)
            : EntryPointDescription.FromImplicitlyGroupedKernel(kernel.Method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization());
        return compiled.PTXAssembly;
    }
}
