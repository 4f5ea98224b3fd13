using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;
using Scratchgen.Ops;
using Scratchgen.Tests.Ops;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The Ilgpu backend's test subclasses. ilgpu-cpu (ILGPU's CPU accelerator) runs in CI on the
/// shape sets up to <see cref="IlgpuTestSets.DefaultMaxElements"/> input elements; CUDA and OpenCL skip with
/// the reason when no usable device is present.</summary>
public static class IlgpuTestSets
{
    /// <summary>ILGPU's CPU accelerator emulates GPU threads (a launch costs milliseconds, a barrier far
    /// more), so CI compares it on the small shape sets only; bench/gpu/run.sh runs every set on CUDA.</summary>
    public const int DefaultMaxElements = 20_000;

    /// <summary>The limit, or SCRATCHGEN_ILGPU_MAX_ELEMENTS when set (to compare every set locally; slow).</summary>
    public static int MaxElements =>
        int.TryParse(Environment.GetEnvironmentVariable("SCRATCHGEN_ILGPU_MAX_ELEMENTS"), out int n) ? n : DefaultMaxElements;

    /// <summary>[1 2 3; 4 5 6] @ [7 8; 9 10; 11 12] = [58 64; 139 154] on the backend.</summary>
    public static void KnownMatMul(IBackend backend)
    {
        var c = Tensor.FromArray([1f, 2, 3, 4, 5, 6], [2, 3], backend).MatMul(Tensor.FromArray([7f, 8, 9, 10, 11, 12], [3, 2], backend));
        Assert.Equal([58f, 64f, 139f, 154f], c.ToArray());
    }

    public static string? Unavailable(string kind)
    {
        try { IlgpuDevices.Get(kind); return null; }
        catch (NotSupportedException e) { return e.Message; }
    }

    /// <summary>Why ilgpu-cpu does not compare this shape set (more input elements than <see cref="MaxElements"/>), or null.</summary>
    internal static string? OverElementCap(OpCase c, int shapeSet)
    {
        int elements = c.Shapes[shapeSet].Sum(s => Shapes.Numel(s));
        return elements <= MaxElements ? null :
            $"{elements:N0} input elements, over the {MaxElements:N0} that ILGPU's CPU accelerator compares here (it emulates GPU " +
            "threads; SCRATCHGEN_ILGPU_MAX_ELEMENTS raises the cap, bench/gpu/run.sh compares every set on CUDA)";
    }
}

public sealed class IlgpuCpuBackendParityTests : BackendParityTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");

    private protected override string? NotComparedHere(OpCase c, int shapeSet) => IlgpuTestSets.OverElementCap(c, shapeSet);
}

/// <summary>The catalog's products (matmul, linear, conv2d and conv_transpose2d, forward and backward: GEMMs
/// on transposed, strided and offset views) on a CPU accelerator with 256 threads per group, so they run a
/// tiled rung as CUDA would (ilgpu-cpu's 16-thread groups run V1): V8WideLoads, and V7 where an operand
/// cannot be read 16 bytes at a time. Shape sets up to IlgpuTestSets.MaxElements, as on ilgpu-cpu; the other
/// ops are compared on ilgpu-cpu and reported here as skipped.</summary>
public sealed class IlgpuWideRungParityTests(WideCpuAccelerator wideCpu) : BackendParityTests, IClassFixture<WideCpuAccelerator>
{
    protected override IBackend Backend
    {
        get
        {
            wideCpu.Backend.MatMulVariant = MatMulKernels.Variant.V8WideLoads;
            return wideCpu.Backend;
        }
    }

    private protected override string? NotComparedHere(OpCase c, int shapeSet) =>
        !(c.Name.StartsWith("matmul") || c.Name.StartsWith("linear") || c.Name.StartsWith("conv"))
            ? $"{c.Name} runs no matrix product: the wide rung is compared on the products only (IlgpuCpuBackendParityTests compares every op)"
            : IlgpuTestSets.OverElementCap(c, shapeSet);
}

public sealed class IlgpuCpuKnownAnswerTests : KnownAnswerTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");
}

public sealed class IlgpuCpuConvKnownAnswerTests : ConvKnownAnswerTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");
}
