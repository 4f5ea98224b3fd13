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
        BatchNormLowering.ComposedStats(backend, x, meanRef, varianceRef);
        Close.Assert(meanRef.ToArray(), mean.ToArray(), 1e-5, 1e-5, "mean");
        Close.Assert(varianceRef.ToArray(), variance.ToArray(), 1e-5, 1e-4, "variance");

        var invStd = variance.Add(1e-5).Pow(-0.5);
        var (y, yRef) = (New(shape), New(shape));
        backend.BatchNormForward(x, mean, invStd, gamma, beta, y);
        BatchNormLowering.ComposedForward(backend, x, mean, invStd, gamma, beta, yRef);
        Close.Assert(yRef.ToArray(), y.ToArray(), 1e-5, 1e-4, "y");

        var (dx, dxRef) = (New(shape), New(shape));
        var (dg, dgRef, db, dbRef) = (New([c]), New([c]), New([c]), New([c]));
        backend.BatchNormBackward(x, dy, mean, invStd, gamma, dx, dg, db);
        BatchNormLowering.ComposedBackward(backend, x, dy, mean, invStd, gamma, dxRef, dgRef, dbRef);
        Close.Assert(dxRef.ToArray(), dx.ToArray(), 1e-4, 1e-3, "dx");
        Close.Assert(dgRef.ToArray(), dg.ToArray(), 1e-4, 1e-4, "dgamma");
        Close.Assert(dbRef.ToArray(), db.ToArray(), 1e-4, 1e-4, "dbeta");
    }
}

/// <summary>BatchNormLowering.BatchNormTrainingStats against its formulas in float64: invStd = (var + eps)^-1/2 and the
/// running statistics (1 - momentum) r + momentum stat, the variance's unbiased (m / (m - 1)); either one absent.</summary>
public abstract class BatchNormTrainingStatsTests
{
    protected abstract IBackend Backend { get; }

    [Theory]
    [InlineData(new[] { 3, 5 }, true, true)]
    [InlineData(new[] { 2, 3, 5, 7 }, true, false)]
    [InlineData(new[] { 7, 33, 1, 1 }, false, true)]
    [InlineData(new[] { 5, 1, 17, 1 }, false, false)]
    [InlineData(new[] { 16, 64, 2, 2 }, true, true)]
    public void TrainingStats_FollowTheirFormulas(int[] shape, bool trackMean, bool trackVariance)
    {
        var rng = new Rng(23);
        int c = shape[1];
        var x = Tensor.RandN(shape, rng, mean: 2, backend: Backend);
        var (mean, variance, invStd) = (Tensor.Zeros([c], backend: Backend), Tensor.Zeros([c], backend: Backend), Tensor.Zeros([c], backend: Backend));
        var r0 = Tensor.RandN([c], rng, mean: 1, backend: Scratchgen.Backends.Backend.Reference).ToArray();
        var r1 = r0.Select(Math.Abs).ToArray();
        var running = new BatchNormRunning(trackMean ? Tensor.FromArray(r0, [c], Backend) : null, trackVariance ? Tensor.FromArray(r1, [c], Backend) : null, 0.1);
        Backend.BatchNormTrainingStats(x, mean, variance, invStd, 1e-5, running);

        var values = x.ToArray();
        int hw = x.Rank == 2 ? 1 : shape[2] * shape[3], m = values.Length / c;
        for (int ch = 0; ch < c; ch++)
        {
            var xs = Enumerable.Range(0, values.Length).Where(i => i / hw % c == ch).Select(i => (double)values[i]).ToArray();
            double mu = xs.Average(), v = xs.Sum(e => (e - mu) * (e - mu)) / m;
            Assert.Equal(mu, mean.ToArray()[ch], 1e-4);
            Assert.Equal(v, variance.ToArray()[ch], Math.Max(1e-4, v * 1e-4));
            Assert.Equal(1 / Math.Sqrt(v + 1e-5), invStd.ToArray()[ch], Math.Max(1e-4, 1e-4 / Math.Sqrt(v + 1e-5)));
            if (trackMean) Assert.Equal(0.9 * r0[ch] + 0.1 * mu, running.Mean!.ToArray()[ch], 1e-4);
            if (trackVariance) Assert.Equal(0.9 * r1[ch] + 0.1 * v * m / (m - 1), running.Variance!.ToArray()[ch], Math.Max(1e-4, v * 1e-4));
        }
    }
}

public sealed class CpuBatchNormTrainingStatsTests : BatchNormTrainingStatsTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;
}

public sealed class IlgpuCpuBatchNormTrainingStatsTests : BatchNormTrainingStatsTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");

    /// <summary>One launch where the default takes five, and the same bits as the default's Map and Zip launches.</summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void TrainingStats_AreOneLaunch_WithTheBitsOfTheDefault(bool trackMean, bool trackVariance)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(24);
        int[] shape = [6, 5, 3, 3];
        var x = Tensor.RandN(shape, rng, mean: 1, backend: backend);
        var start = Tensor.RandN([5], rng, mean: 1, backend: Scratchgen.Backends.Backend.Reference).ToArray().Select(Math.Abs).ToArray();
        (Tensor Mean, Tensor Variance, Tensor InvStd, BatchNormRunning Running) Outputs() => (Tensor.Zeros([5], backend: backend), Tensor.Zeros([5], backend: backend),
            Tensor.Zeros([5], backend: backend), new(trackMean ? Tensor.FromArray(start, [5], backend) : null, trackVariance ? Tensor.FromArray(start, [5], backend) : null, 0.3));
        var (fused, composite) = (Outputs(), Outputs());
        long before = backend.KernelLaunches;
        backend.BatchNormTrainingStats(x, fused.Mean, fused.Variance, fused.InvStd, 1e-3, fused.Running);
        Assert.Equal(1, backend.KernelLaunches - before);
        BatchNormLowering.ComposedTrainingStats(backend, x, composite.Mean, composite.Variance, composite.InvStd, 1e-3, composite.Running);
        Assert.Equal(composite.Mean.ToArray(), fused.Mean.ToArray());
        Assert.Equal(composite.Variance.ToArray(), fused.Variance.ToArray());
        Assert.Equal(composite.InvStd.ToArray(), fused.InvStd.ToArray());
        if (trackMean) Assert.Equal(composite.Running.Mean!.ToArray(), fused.Running.Mean!.ToArray());
        if (trackVariance) Assert.Equal(composite.Running.Variance!.ToArray(), fused.Running.Variance!.ToArray());
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
        long composite = Launches(() => BatchNormLowering.ComposedStats(backend, x, mean, variance))
            + Launches(() => BatchNormLowering.ComposedForward(backend, x, mean, invStd, gamma, beta, y))
            + Launches(() => BatchNormLowering.ComposedBackward(backend, x, dy, mean, invStd, gamma, dx, dg, db));
        Assert.True(composite >= 10, $"the composite form launched {composite} kernels");
    }
}
