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

    [Fact]
    public void BatchNormActivation_IsOneLaunchEachWay()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(3);
        int[] shape = [4, 3, 5, 5];
        var x = Tensor.RandN(shape, rng, backend: backend);
        var dy = Tensor.RandN(shape, rng, backend: backend);
        var (mean, invStd, gamma, beta) = (Tensor.RandN([3], rng, backend: backend), Tensor.Ones([3], backend: backend),
            Tensor.RandN([3], rng, backend: backend), Tensor.RandN([3], rng, backend: backend));
        var (y, dx, dg, db) = (Tensor.Zeros(shape, backend: backend), Tensor.Zeros(shape, backend: backend), Tensor.Zeros([3], backend: backend), Tensor.Zeros([3], backend: backend));
        var fn = new LeakyReluFn(0.2);
        Assert.Equal(1, Launches(backend, () => backend.BatchNormForward(x, mean, invStd, gamma, beta, y, fn)));
        Assert.Equal(1, Launches(backend, () => backend.BatchNormBackward(x, y, dy, mean, invStd, gamma, beta, dx, dg, db, fn)));
    }

    /// <summary>DryRun (for `Scratchgen.GpuRunner hoststep`) counts launches and memsets as before but runs
    /// none: the output of a softmax and the contents of a zero-filled allocation stay what they were.</summary>
    [Fact]
    public void DryRun_CountsLaunchesButRunsNone()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(4);
        var x = Tensor.RandN([3, 7], rng, backend: backend);
        var y = Tensor.Full([3, 7], 5f, backend: backend);
        backend.DryRun = true;
        Assert.Equal(1, Launches(backend, () => backend.Softmax(x, y, log: false)));
        Assert.All(y.ToArray(), v => Assert.Equal(5f, v));
        backend.DryRun = false;
        backend.Softmax(x, y, log: false);
        Assert.All(y.ToArray(), v => Assert.InRange(v, 0f, 1f));
    }

    /// <summary>MatMulLog (for `Scratchgen.GpuRunner gemms`) records each product an op asks for, once, with its
    /// sizes and operand layouts: a linear layer's x (N, I) @ W^T, where W (O, I) is read transposed (unit stride
    /// along rows), and its weight gradient dy^T (O, N) @ x.</summary>
    [Fact]
    public void MatMulLog_RecordsEachProductWithItsLayout()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(5);
        var x = Tensor.RandN([6, 5], rng, backend: backend);
        var w = Tensor.RandN([3, 5], rng, backend: backend);
        w.RequiresGrad = true;
        var log = new List<IlgpuBackend.MatMulShape>();
        backend.MatMulLog = log;
        var y = x.Linear(w);
        Assert.Equal((1, 6, 3, 5), (log[0].Batch, log[0].M, log[0].N, log[0].K));
        Assert.Equal((false, true), (log[0].ATransposed, log[0].BTransposed)); // W^T: W (3, 5) read with k moving 1
        y.Mul(Tensor.RandN([6, 3], rng, backend: backend)).Sum().Backward(); // dy: a dense (6, 3)
        backend.MatMulLog = null;
        var weightGrad = Assert.Single(log, call => (call.M, call.N, call.K) == (3, 5, 6));
        Assert.Equal((true, false), (weightGrad.ATransposed, weightGrad.BTransposed)); // dy^T: read down dy's columns
        Assert.Equal(2, log.Count); // x needs no gradient: no dy @ W
    }

    /// <summary>A kernel is compiled on its first launch only, and that time is counted.</summary>
    [Fact]
    public void KernelsAreCompiledOnce_AndTheTimeIsCounted()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var x = Tensor.RandN([3, 9], new Rng(8), backend: backend);
        var y = Tensor.Zeros([3, 9], backend: backend);
        int before = backend.KernelsCompiled;
        backend.Softmax(x, y, log: false);
        var afterFirst = backend.KernelCompileTime;
        Assert.Equal(before + 1, backend.KernelsCompiled);
        Assert.True(afterFirst > TimeSpan.Zero);
        backend.Softmax(x, y, log: false);
        Assert.Equal(before + 1, backend.KernelsCompiled);
        Assert.Equal(afterFirst, backend.KernelCompileTime);
    }
}
