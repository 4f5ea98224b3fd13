using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Backends;

/// <summary>A fact that is skipped, with ILGPU's reason, when the named ilgpu backend cannot start here
/// (decided when tests are discovered: xunit 2 has no run-time skip).</summary>
public sealed class IlgpuDeviceFactAttribute : FactAttribute
{
    public IlgpuDeviceFactAttribute(string kind)
    {
        if (IlgpuTestSets.Unavailable(kind) is { } reason) Skip = $"no usable {kind} device: {reason}";
    }
}

/// <summary>The full parity suite on CUDA. Without a usable device every case, and
/// <see cref="Device_RunsAKnownMatMul"/>, is reported as skipped with the reason; bench/gpu/run.sh runs the
/// same comparisons on a GPU machine without the SDK.</summary>
public sealed class IlgpuCudaBackendParityTests : BackendParityTests
{
    private const string Kind = "cuda";

    protected override IBackend Backend => IlgpuDevices.Get(Kind);

    private protected override string? NotComparedHere(OpCase c, int shapeSet) => IlgpuTestSets.Unavailable(Kind) is { } why ? $"no usable {Kind} device: {why}" : null;

    [IlgpuDeviceFact(Kind)]
    public void Device_RunsAKnownMatMul() => IlgpuTestSets.KnownMatMul(Backend);
}

/// <summary>The full parity suite on OpenCL, skipped like the CUDA one when ILGPU refuses or finds no
/// device (PoCL, for one, lacks the OpenCL 2.0 generic address space ILGPU needs).</summary>
public sealed class IlgpuOpenClBackendParityTests : BackendParityTests
{
    private const string Kind = "opencl";

    protected override IBackend Backend => IlgpuDevices.Get(Kind);

    private protected override string? NotComparedHere(OpCase c, int shapeSet) => IlgpuTestSets.Unavailable(Kind) is { } why ? $"no usable {Kind} device: {why}" : null;

    [IlgpuDeviceFact(Kind)]
    public void Device_RunsAKnownMatMul() => IlgpuTestSets.KnownMatMul(Backend);
}

/// <summary>A fact that runs only where Debian's PoCL OpenCL driver is registered (.ci/run installs it), and
/// is skipped with that reason elsewhere.</summary>
public sealed class PoclFactAttribute : FactAttribute
{
    public const string Icd = "/etc/OpenCL/vendors/pocl.icd";

    public PoclFactAttribute()
    {
        if (!File.Exists(Icd)) Skip = $"PoCL is not installed ({Icd} missing; Debian package pocl-opencl-icd)";
    }
}

public sealed class IlgpuBackendSelectionTests
{
    /// <summary>The OpenCL case, on the real driver: PoCL is found, refused by ILGPU for the missing
    /// OpenCL 2.0 generic address space, and both `devices` and `--backend opencl` say so by name.</summary>
    [PoclFact]
    public void OpenCl_PoclIsFoundAndRefused_WithTheReason()
    {
        var row = Assert.Single(IlgpuDevices.List(), d => d.Backend == "opencl");
        Assert.False(row.Usable);
        Assert.Contains("GenericAddressSpace", row.Details);
        var e = Assert.Throws<DeviceUnavailableException>(() => IlgpuDevices.Get("opencl"));
        Assert.StartsWith("opencl: ILGPU refuses '", e.Message);
        Assert.Contains("generic address space", e.Message);
        Assert.Contains("--backend cpu", e.Message);
    }

    [Fact]
    public void FromName_IlgpuCpu_ReturnsOneSharedBackend() =>
        Assert.Same(Scratchgen.Backends.Backend.FromName("ilgpu-cpu"), Scratchgen.Backends.Backend.FromName("ILGPU-CPU"));

    [Fact]
    public void FromName_Auto_IsCudaWhenPresentElseCpu()
    {
        var expected = IlgpuTestSets.Unavailable("cuda") == null ? IlgpuDevices.Get("cuda") : Scratchgen.Backends.Backend.Cpu;
        Assert.Same(expected, Scratchgen.Backends.Backend.FromName("auto"));
    }

    [SkippableTheory, InlineData("cuda"), InlineData("opencl")]
    public void FromName_UnavailableDevice_SaysWhyAndNamesTheOption(string kind)
    {
        Skip.If(IlgpuTestSets.Unavailable(kind) == null, $"a usable {kind} device is present: there is no refusal to check");
        var e = Assert.Throws<Scratchgen.Backends.DeviceUnavailableException>(() => Scratchgen.Backends.Backend.FromName(kind));
        Assert.StartsWith(kind, e.Message);
        Assert.Contains("--backend cpu", e.Message);
    }

    [Fact]
    public void Devices_ListCudaAndOpenClWithAReason()
    {
        var devices = IlgpuDevices.List();
        Assert.Contains(devices, d => d.Backend == "ilgpu-cpu" && d.Usable);
        Assert.All(devices.Where(d => !d.Usable), d => Assert.False(string.IsNullOrWhiteSpace(d.Details)));
        Assert.Contains(devices, d => d.Backend == "cuda");
        Assert.Contains(devices, d => d.Backend == "opencl");
    }

    [Fact]
    public void Pool_ReusesBuffers_AfterWarmUp()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        void Step()
        {
            var a = (IDisposable)backend.Allocate(DType.Float32, 1000);
            var b = (IDisposable)backend.Upload(new float[3000]);
            a.Dispose();
            b.Dispose();
        }
        Step();
        int warm = backend.Floats.Allocations;
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(warm, backend.Floats.Allocations);
    }
}
