using System.Reflection;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Functors;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>Checks that need no device: every kernel, once per op functor, compiles to PTX for SM_90 and
/// generates OpenCL C.</summary>
public sealed class IlgpuKernelTests
{
    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var k in KernelCatalog.All()) data.Add(k.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_CompilesToPtx_ForSm90(string name)
    {
        var kernel = KernelCatalog.All().Single(k => k.Name == name);
        string ptx = PtxCompiler.Compile(kernel);
        Assert.Contains(".entry", ptx);
        Assert.Contains(".target sm_", ptx);
        // System.Math routed through software routines balloons a kernel (tens of KB); GpuReal uses XMath.
        // The matmul rungs from V7 on write out their K step (512 multiply-adds, ~30 KB of PTX) and get a larger budget.
        bool writtenOutK = name is "MatMulKernels.V7Unrolled" or "MatMulKernels.V8WideLoads";
        int budget = writtenOutK ? 100_000 : 40_000;
        Assert.True(ptx.Length < budget, $"{name}: {ptx.Length} characters of PTX, expected under {budget}");
    }

    /// <summary>Every kernel also builds as OpenCL C 2.0 (what ILGPU would hand an OpenCL driver), generated
    /// without a device.</summary>
    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_GeneratesOpenClC20(string name)
    {
        var kernel = KernelCatalog.All().Single(k => k.Name == name);
        Assert.Contains("kernel void", OpenClCompiler.Compile(kernel));
    }

    /// <summary>The generated OpenCL C 2.0 passes clang's syntax check (`clang -x cl -cl-std=CL2.0 -fsyntax-only`);
    /// skipped, with the reason, where clang is not on PATH.</summary>
    [SkippableTheory]
    [MemberData(nameof(Kernels))]
    public void Kernel_OpenClC20_PassesClangSyntaxCheck(string name)
    {
        string? clang = ClangPath.Value;
        Skip.If(clang == null, "clang is not on PATH (apt-get install clang to syntax-check the generated OpenCL C)");
        string source = OpenClCompiler.Compile(KernelCatalog.All().Single(k => k.Name == name));
        string file = Path.Combine(Path.GetTempPath(), $"scratchgen-{Guid.NewGuid():N}.cl");
        File.WriteAllText(file, source);
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo(clang!, ["-x", "cl", "-cl-std=CL2.0", "-fsyntax-only", "-Wno-everything", file])
            { RedirectStandardError = true, RedirectStandardOutput = true };
            using var process = System.Diagnostics.Process.Start(psi)!;
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{name}: clang rejects the generated OpenCL C:\n{errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static readonly Lazy<string?> ClangPath = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "clang")).FirstOrDefault(File.Exists));

    /// <summary>The catalog finds the op functors and instantiates the generic kernels with each: a functor that ILGPU
    /// cannot compile fails the PTX test above (the ops' values on ilgpu-cpu are the parity tests').</summary>
    [Fact]
    public void Catalog_InstantiatesEveryOpFunctor()
    {
        var functors = KernelCatalog.Functors();
        Assert.True(functors.Count >= 25, $"found only {functors.Count} functors");
        var names = KernelCatalog.All().Select(k => k.Name).ToList();
        var missing = functors.Where(f => !names.Any(n => n.Contains($"<{f.Name}>", StringComparison.Ordinal))).Select(f => f.Name).ToList();
        Assert.True(missing.Count == 0, "functors no kernel is instantiated with: " + string.Join(", ", missing));
        Assert.Contains("ElementwiseKernels.Map<TanhFn>", names);
        Assert.Contains("ReduceKernels.SumOf<FirstOf<SigmoidFn>>", names);
        Assert.Contains("ReduceKernels.Reduce<PartialsOf<SumSquaresFn>>", names);
    }
}
