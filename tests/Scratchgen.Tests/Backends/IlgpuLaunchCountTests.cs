using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Backends;

/// <summary>The fused Ilgpu kernels are one launch each (on a GPU a small training step is bound by launches);
/// counted on a private CPU-accelerator backend, since other tests launch on the shared one.</summary>
public sealed class IlgpuLaunchCountTests
{
    private static long Launches(IlgpuBackend backend, Action run)
    {
        long before = backend.KernelLaunches;
        run();
        return backend.KernelLaunches - before;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SoftmaxRows_AreOneLaunchEachWay(bool log)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(1);
        var x = Tensor.RandN([5, 19], rng, backend: backend);
        var dy = Tensor.RandN([5, 19], rng, backend: backend);
        var (y, dx) = (Tensor.Zeros([5, 19], backend: backend), Tensor.Zeros([5, 19], backend: backend));
        Assert.Equal(1, Launches(backend, () => backend.Softmax(x, y, log)));
        Assert.Equal(1, Launches(backend, () => backend.SoftmaxBackward(y, dy, dx, log)));
    }

    [Fact]
    public void BiasActivation_IsOneLaunch()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(2);
        var z = Tensor.RandN([6, 11], rng, backend: backend);
        var bias = Tensor.RandN([11], rng, backend: backend);
        var y = Tensor.Zeros([6, 11], backend: backend);
        Assert.Equal(1, Launches(backend, () => backend.BiasMap(z, bias.BroadcastView([6, 11]), y, new LeakyReluFn(0.2))));
    }
}
