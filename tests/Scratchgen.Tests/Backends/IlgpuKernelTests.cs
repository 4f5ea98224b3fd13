using System.Reflection;
using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Functors;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>Checks that need no device: every kernel compiles to PTX for SM_90, every op functor has a
/// GPU twin that computes the same values, and the matmul ladder matches the Reference on the CPU
/// accelerator at awkward sizes.</summary>
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
        // System.Math routed through software routines balloons a kernel (tens of KB); the twins use XMath.
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

    [Fact]
    public void EveryOpFunctor_HasAGpuTwin()
    {
        var functors = typeof(IUnaryFn).Assembly.GetTypes()
            .Where(t => !t.IsNestedPrivate) // a backend's private adapters (the Cpu reduction's Partials) never reach a GPU
            .Where(t => t.IsValueType && (typeof(IUnaryFn).IsAssignableFrom(t) || typeof(IBinaryFn).IsAssignableFrom(t) || typeof(IReduceFn).IsAssignableFrom(t)))
            .ToList();
        var missing = functors.Where(t => !FunctorTwins.All.ContainsKey(t)).Select(t => t.FullName).ToList();
        Assert.True(missing.Count == 0, "functors without a GPU twin in Backends/Ilgpu/Functors/FunctorTwins.cs: " + string.Join(", ", missing));
        Assert.True(functors.Count >= 25, $"found only {functors.Count} functors");
    }

    // No sample sits on a clamp or range boundary: there float and double parameters may round apart.
    private static readonly float[] Samples = [-3.5f, -1f, -0.6f, -0.35f, -1e-3f, 0f, 2e-3f, 0.25f, 0.4f, 0.65f, 1f, 2.5f, 7f];

    public static TheoryData<string> UnaryFunctors()
    {
        var data = new TheoryData<string>();
        foreach (var name in UnaryCases.Keys) data.Add(name);
        return data;
    }

    // Every unary op functor with representative parameters, evaluated as op functor (double) and as twin (float).
    private static readonly Dictionary<string, Func<float, (double Y, double Dy, float GpuY, float GpuDy)>> UnaryCases = new()
    {
        ["exp"] = x => Both(default(ExpFn), x), ["log"] = x => Both(default(LogFn), Math.Abs(x) + 0.5f),
        ["sqrt"] = x => Both(default(SqrtFn), Math.Abs(x) + 0.5f), ["abs"] = x => Both(default(AbsFn), x),
        ["pow3"] = x => Both(new PowFn(3), x), ["pow-1.5"] = x => Both(new PowFn(-1.5), Math.Abs(x) + 0.5f),
        ["pow2"] = x => Both(new PowFn(2), x), ["clamp"] = x => Both(new ClampFn(-0.55, 0.45), x),
        ["step"] = x => Both(default(StepFn), x), ["sign"] = x => Both(default(SignFn), x),
        ["in_range"] = x => Both(new InRangeFn(-0.3, 0.7), x), ["leaky_slope"] = x => Both(new LeakySlopeFn(0.2), x),
        ["add_scalar"] = x => Both(new AddScalarFn(0.75), x), ["mul_scalar"] = x => Both(new MulScalarFn(-2.5), x),
        ["relu"] = x => Both(default(ReluFn), x), ["leaky_relu"] = x => Both(new LeakyReluFn(0.2), x),
        ["elu"] = x => Both(new EluFn(1.3), x), ["sigmoid"] = x => Both(default(SigmoidFn), x),
        ["tanh"] = x => Both(default(TanhFn), x), ["softplus"] = x => Both(default(SoftplusFn), x),
    };

    private static (double, double, float, float) Both<TFn>(TFn fn, float x) where TFn : struct, IUnaryFn
    {
        var dispatch = (dynamic)FunctorTwins.All[typeof(TFn)].Dispatch;
        dynamic twin = dispatch.Convert(fn);
        double y = fn.Apply((double)x);
        float gy = twin.Apply(x);
        return (y, fn.Derivative((double)x, y), gy, twin.Derivative(x, gy));
    }

    [Fact]
    public void GpuBinaryTwins_MatchOpFunctors_OnSamples()
    {
        static void Check<TFn>(TFn fn) where TFn : struct, IBinaryFn
        {
            dynamic twin = ((dynamic)FunctorTwins.All[typeof(TFn)].Dispatch).Convert(fn);
            foreach (float a in Samples)
                foreach (float b in Samples.Select(v => Math.Abs(v) + 0.1f))
                {
                    double y = fn.Apply((double)a, (double)b);
                    float g = twin.Apply(a, b);
                    Assert.True(Math.Abs(y - g) <= 1e-5 + 1e-5 * Math.Abs(y), $"{typeof(TFn).Name}({a}, {b}): op functor {y}, twin {g}");
                }
        }
        Check(default(AddFn)); Check(default(SubFn)); Check(default(MulFn)); Check(default(DivFn)); Check(default(EqualFn));
        Check(new Scratchgen.Optim.AxpyFn(-0.01)); Check(new Scratchgen.Optim.MomentumFn(0.9));
        Check(new LinearCombinationFn(0.9, 0.15)); Check(default(BceWithLogitsFn)); Check(new SigmoidMinusFn(0.5));
    }

    [Theory]
    [MemberData(nameof(UnaryFunctors))]
    public void GpuTwin_MatchesOpFunctor_OnSamples(string name)
    {
        Assert.Equal(UnaryCases.Count, typeof(IUnaryFn).Assembly.GetTypes().Count(t => t.IsValueType && typeof(IUnaryFn).IsAssignableFrom(t)) + 2);
        foreach (float x in Samples)
        {
            var (y, dy, gy, gdy) = UnaryCases[name](x);
            Assert.True(Math.Abs(y - gy) <= 1e-5 + 1e-5 * Math.Abs(y), $"{name}({x}): op functor {y}, twin {gy}");
            Assert.True(Math.Abs(dy - gdy) <= 1e-5 + 1e-5 * Math.Abs(dy), $"{name}'({x}): op functor {dy}, twin {gdy}");
        }
    }
}
