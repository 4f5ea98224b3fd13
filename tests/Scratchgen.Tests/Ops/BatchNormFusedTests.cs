using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Ops;

/// <summary>A backend's fused batch-norm kernels against the composite BatchNormLowering on the
/// same backend, on awkward shapes: rank 2 (one value per run), runs shorter and longer than 8 lanes,
/// channels of 1, 15, 16, 17 and 33 values (ILGPU's CPU accelerator runs groups of 16 threads), one channel,
/// 33 channels, with and without gamma and beta, non-zero offsets.</summary>
public abstract class BatchNormFusedTests
{
    protected abstract IBackend Backend { get; }

    public static TheoryData<int[], bool> Shapes() => new()
    {
        { [3, 5], true }, { [2, 3, 5, 7], true }, { [1, 1, 9, 9], false }, { [4, 33, 1, 1], true },
        { [7, 2, 3, 3], false }, { [2, 4, 4, 4], true }, { [5, 1, 17, 1], true },
        { [1, 3, 1, 1], true }, { [15, 2], false }, { [16, 3], true }, { [17, 2, 1, 1], true }, { [33, 4], true },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void FusedKernels_MatchTheComposite(int[] shape, bool affine)
    {
        var backend = Backend;
        var rng = new Rng(21);
        int c = shape[1];
        // A slice of a larger tensor: the kernels must honour the offset.
        Tensor Random(int[] s, double mean = 0) =>
            Tensor.RandN([2, .. s], rng, mean: mean, backend: backend).Slice(0, 1, 2).Reshape(s);
        var x = Random(shape, mean: 3);
        var dy = Random(shape);
        var gamma = affine ? Random([c], mean: 1) : null;
        var beta = affine ? Random([c]) : null;

        Tensor New(int[] s) => Tensor.Zeros(s, backend: backend);
        var (mean, variance, meanRef, varianceRef) = (New([c]), New([c]), New([c]), New([c]));
        backend.BatchNormStats(x, mean, variance);
        BatchNormLowering.Stats(backend, x, meanRef, varianceRef);
        Close.Assert(meanRef.ToArray(), mean.ToArray(), 1e-5, 1e-5, "mean");
        Close.Assert(varianceRef.ToArray(), variance.ToArray(), 1e-5, 1e-4, "variance");

        var invStd = variance.Add(1e-5).Pow(-0.5);
        var (y, yRef) = (New(shape), New(shape));
        backend.BatchNormForward(x, mean, invStd, gamma, beta, y);
        BatchNormLowering.Forward(backend, x, mean, invStd, gamma, beta, yRef);
        Close.Assert(yRef.ToArray(), y.ToArray(), 1e-5, 1e-4, "y");

        var (dx, dxRef) = (New(shape), New(shape));
        var (dg, dgRef, db, dbRef) = (New([c]), New([c]), New([c]), New([c]));
        backend.BatchNormBackward(x, dy, mean, invStd, gamma, dx, dg, db);
        BatchNormLowering.Backward(backend, x, dy, mean, invStd, gamma, dxRef, dgRef, dbRef);
        Close.Assert(dxRef.ToArray(), dx.ToArray(), 1e-4, 1e-3, "dx");
        Close.Assert(dgRef.ToArray(), dg.ToArray(), 1e-4, 1e-4, "dgamma");
        Close.Assert(dbRef.ToArray(), db.ToArray(), 1e-4, 1e-4, "dbeta");
    }
}

public sealed class CpuBatchNormFusedTests : BatchNormFusedTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;
}

/// <summary>The Ilgpu backend's batch-norm kernels (Kernels/BatchNormKernels.cs) on ILGPU's CPU accelerator.</summary>
public sealed class IlgpuCpuBatchNormFusedTests : BatchNormFusedTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");

    /// <summary>The point of the fused kernels on a GPU, where a DCGAN step is bound by launches: one
    /// launch per primitive (outputs preallocated), where the composite form launches many.</summary>
    [Fact]
    public void EachPrimitive_IsOneLaunch()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16); // private: other tests launch on the shared one
        var rng = new Rng(5);
        int[] shape = [4, 3, 5, 5];
        var x = Tensor.RandN(shape, rng, backend: backend);
        var dy = Tensor.RandN(shape, rng, backend: backend);
        var gamma = Tensor.RandN([3], rng, backend: backend);
        var beta = Tensor.RandN([3], rng, backend: backend);
        var (mean, variance, invStd, dg, db) = (Tensor.Zeros([3], backend: backend), Tensor.Zeros([3], backend: backend),
            Tensor.Ones([3], backend: backend), Tensor.Zeros([3], backend: backend), Tensor.Zeros([3], backend: backend));
        var (y, dx) = (Tensor.Zeros(shape, backend: backend), Tensor.Zeros(shape, backend: backend));

        long Launches(Action run)
        {
            long before = backend.KernelLaunches;
            run();
            return backend.KernelLaunches - before;
        }
        Assert.Equal(1, Launches(() => backend.BatchNormStats(x, mean, variance)));
        Assert.Equal(1, Launches(() => backend.BatchNormForward(x, mean, invStd, gamma, beta, y)));
        Assert.Equal(1, Launches(() => backend.BatchNormBackward(x, dy, mean, invStd, gamma, dx, dg, db)));
        long composite = Launches(() => BatchNormLowering.Stats(backend, x, mean, variance))
            + Launches(() => BatchNormLowering.Forward(backend, x, mean, invStd, gamma, beta, y))
            + Launches(() => BatchNormLowering.Backward(backend, x, dy, mean, invStd, gamma, dx, dg, db));
        Assert.True(composite >= 10, $"the composite form launched {composite} kernels");
    }
}
