using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Training;

/// <summary>
/// Step-scoped memory (MemoryScope): what a step does not keep goes back to the backend's pool; a
/// released tensor cannot be read by mistake; training with scopes gives the same bits as without;
/// and a warm training step allocates no new memory, on the Cpu backend and on an ILGPU accelerator,
/// where it also copies nothing between host and device beyond its inputs and the scalars it reports.
/// </summary>
[Collection(ExclusiveCpuBackend.Name)]
public sealed class MemoryScopeTests
{
    [Fact]
    public void ReleasedTensor_CannotBeRead_KeptAndOuterTensorsCan()
    {
        var outer = Tensor.Full([3], 2.0);
        Tensor kept, dropped;
        using (var scope = MemoryScope.Begin())
        {
            kept = outer.Mul(3);
            dropped = outer.Add(1);
            Assert.Equal([3f, 3f, 3f], dropped.ToArray());
            Assert.True(scope.End(keep: [kept]) >= 1);
        }
        Assert.True(dropped.Storage.IsReleased);
        Assert.False(kept.Storage.IsReleased);
        Assert.False(outer.Storage.IsReleased);
        Assert.Equal([6f, 6f, 6f], kept.ToArray());
        Assert.Equal([2f, 2f, 2f], outer.ToArray());
        var ex = Assert.Throws<ObjectDisposedException>(() => dropped.ToArray());
        Assert.Contains("MemoryScope", ex.Message);
        Assert.Throws<ObjectDisposedException>(() => dropped.Add(1));
    }

    [Fact]
    public void NestedScope_HandsWhatItKeptToTheEnclosingScope()
    {
        var x = Tensor.Full([4], 1.0);
        Tensor keptByInner, keptByBoth, droppedByInner;
        using var outer = MemoryScope.Begin();
        using (var inner = MemoryScope.Begin())
        {
            keptByInner = x.Add(1);
            keptByBoth = x.Add(2);
            droppedByInner = x.Add(3);
            inner.End(keep: [keptByInner, keptByBoth]);
        }
        Assert.True(droppedByInner.Storage.IsReleased, "the inner scope did not free what it did not keep");
        Assert.False(keptByInner.Storage.IsReleased);
        outer.End(keep: [keptByBoth]);
        Assert.True(keptByInner.Storage.IsReleased, "the enclosing scope lost track of what the inner one kept");
        Assert.Equal([3f, 3f, 3f, 3f], keptByBoth.ToArray());
    }

    [Theory, InlineData("dcgan")]
    public void GanStep_ReusesTheDiscriminatorUpdatesMemoryForTheGeneratorUpdate(string kind)
    {
        // GanBase runs D's update in a scope of its own, so the G update (D forward and backward again,
        // same shapes) takes the arrays D's update returned: the step's peak is below what it hands out.
        // (The MLP GAN's D update runs real and fake as one batch of 2N, GanBase.CriticOfBoth, whose arrays
        // have other sizes than G's update's; that a warm step of it allocates nothing new is checked below.)
        var cpu = (CpuBackend)Backend.Cpu;
        var model = Model(kind, cpu);
        var batch = Batch(cpu, 16, model.Range);
        var scopes = new ScopedSteps();
        for (int i = 0; i < 2; i++) Step(model, batch, scopes);
        cpu.Pool.ResetPeak();
        long before = cpu.Pool.OutstandingBytes;
        Step(model, batch, scopes);
        long peak = cpu.Pool.PeakOutstandingBytes - before, handedOut = cpu.Pool.RentedBytes;
        Assert.True(peak < 0.8 * handedOut, $"{kind}: peak {peak:N0} bytes of {handedOut:N0} handed out in the step: D's tensors were not reused");
    }

    // An exception mid-step leaves the scope by Dispose, without End: what the step made stays readable (it may
    // be what the caller reports, or a checkpoint's tensors), and the scope is closed, so the next allocation
    // is not recorded by it. The same step ended by End releases the tensor (the control: the scope did record it).
    [Fact]
    public void ScopeEndedByAnException_ReleasesNothing()
    {
        Tensor made = null!;
        void FailingStep()
        {
            using var scope = MemoryScope.Begin();
            made = Tensor.Full([2], 1.0).Add(1);
            throw new InvalidOperationException("the step failed");
        }
        var e = Assert.Throws<InvalidOperationException>(FailingStep);
        Assert.Equal("the step failed", e.Message);
        Assert.False(made.Storage.IsReleased, "the scope left by an exception released what the step made");
        Assert.Equal([2f, 2f], made.ToArray());
        Assert.False(MemoryScope.IsOpen, "the scope left by an exception is still open");

        Tensor ended;
        using (var scope = MemoryScope.Begin())
        {
            ended = Tensor.Full([2], 1.0).Add(1);
            scope.End(keep: []);
        }
        Assert.True(ended.Storage.IsReleased, "End released nothing: the scope did not record the step's tensors");
    }

    private static (Tensor Images, int[] Labels) Batch(IBackend backend, int n, PixelRange range)
    {
        var rng = new Rng(11);
        var data = new float[n * 28 * 28];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextDouble();
        var images = Tensor.FromArray(data, [n, 1, 28, 28], backend);
        return (range == PixelRange.MinusOneToOne ? images.Mul(2).Sub(1) : images, Enumerable.Range(0, n).Select(i => i % 10).ToArray());
    }

    private static GenerativeModel Model(string kind, IBackend backend) =>
        ModelFactory.Create(kind, new ModelOptions(LatentDim: 8, Seed: 4, Backend: backend));

    /// <summary>Runs training steps the way TrainingRun does: each in a scope carried from the last.</summary>
    private sealed class ScopedSteps
    {
        private MemoryScope? _previous;

        public T Run<T>(Func<T> step, Func<IEnumerable<Tensor?>> keep)
        {
            using var scope = MemoryScope.Begin(carryFrom: _previous);
            var result = step();
            scope.End(keep());
            _previous = scope;
            return result;
        }
    }

    private static IReadOnlyDictionary<string, double> Step(GenerativeModel model, (Tensor Images, int[] Labels) batch, ScopedSteps? scopes) =>
        scopes == null
            ? model.TrainStep(batch.Images, batch.Labels)
            : scopes.Run(() => model.TrainStep(batch.Images, batch.Labels), model.PersistentTensors);

    [Theory, InlineData("vae"), InlineData("dcgan"), InlineData("wgan-gp")]
    public void TrainingWithScopes_IsBitIdenticalToWithout(string kind)
    {
        var a = Model(kind, Backend.Cpu);
        var b = Model(kind, Backend.Cpu);
        var batch = Batch(Backend.Cpu, 8, a.Range);
        var scopes = new ScopedSteps();
        for (int i = 0; i < 4; i++)
            Assert.Equal(Step(a, batch, null), Step(b, batch, scopes));
        StateAssert.BitIdentical(a.StateDict(), b.StateDict(), $"{kind} with memory scopes");
    }

    [Theory, InlineData("vae"), InlineData("gan"), InlineData("dcgan")]
    public void WarmCpuStep_AllocatesNoFreshArrays(string kind)
    {
        var cpu = (CpuBackend)Backend.Cpu;
        var model = Model(kind, cpu);
        var batch = Batch(cpu, 8, model.Range);
        var scopes = new ScopedSteps();
        for (int i = 0; i < 3; i++) Step(model, batch, scopes);
        // The class runs alone (ExclusiveCpuBackend), so no other test takes arrays from the shared
        // pool meanwhile; still take the smallest growth over a few steps (a step that reuses everything adds 0).
        long smallest = long.MaxValue;
        for (int i = 0; i < 4; i++)
        {
            long before = cpu.Pool.Misses;
            Step(model, batch, scopes);
            smallest = Math.Min(smallest, cpu.Pool.Misses - before);
        }
        Assert.Equal(0, smallest);
    }

    [Fact]
    public void WarmBatchesAndLatentCodes_AllocateNoFreshArrays()
    {
        // What a training loop makes on the host each step besides the model's tensors: the batch
        // (gathered into the iterator's staging array, then UploadCopy) and the latent codes (RandN
        // through a staging array): pooled arrays and no image-sized managed garbage once warm.
        var cpu = (CpuBackend)Backend.Cpu;
        const int n = 32, pixels = 28 * 28;
        var images = new float[192 * pixels]; // six whole batches per epoch
        for (int i = 0; i < images.Length; i++) images[i] = i % 255 / 255f;
        var data = new Scratchgen.Data.Dataset("ramp", images, [1, 28, 28], Enumerable.Range(0, 192).Select(i => i % 10).ToArray(), 10);
        var it = new Scratchgen.Data.BatchIterator(data, n, new Rng(1), cpu, scaleToSymmetric: true);
        var rng = new Rng(2);
        var scopes = new ScopedSteps();
        long Step() => scopes.Run(() =>
        {
            long bytes = GC.GetAllocatedBytesForCurrentThread();
            var batch = it.Next();
            var z = Tensor.RandN([n, 100], rng, backend: cpu);
            bytes = GC.GetAllocatedBytesForCurrentThread() - bytes;
            Assert.Equal(2 * images[batch.Indices[0] * pixels + 300] - 1, batch.Images.ToArray()[300]);
            return bytes;
        }, () => []);
        for (int i = 0; i < 3; i++) Step();
        long smallestMisses = long.MaxValue, largestBytes = 0;
        for (int i = 0; i < 4; i++)
        {
            long before = cpu.Pool.Misses;
            largestBytes = Math.Max(largestBytes, Step());
            smallestMisses = Math.Min(smallestMisses, cpu.Pool.Misses - before);
        }
        Assert.Equal(0, smallestMisses);
        Assert.True(largestBytes < 4L * n * pixels / 4, $"a warm batch and latent sample allocated {largestBytes:N0} managed bytes (one batch of images is {4L * n * pixels:N0})");
    }

    /// <param name="tunedMatMul">256 threads per group and products tuned per shape, as on a GPU: the tuning's
    /// scratch, launches and read-backs all fall in the first step.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WarmIlgpuStep_AllocatesNothingAndCopiesOnlyInputsAndReportedScalars(bool tunedMatMul)
    {
        // ILGPU's CPU accelerator emulates GPU threads (slow), so a small MLP autoencoder with Adam
        // stands in for the models here: the same ops, losses, backward and fused Adam kernel;
        // bench/gpu runs the real models on CUDA. A private accelerator: no other test shares its counters.
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: tunedMatMul ? 256 : 16);
        backend.TuneMatMul = tunedMatMul;
        var rng = new Rng(2);
        var net = new Scratchgen.Nn.Sequential(
            new Scratchgen.Nn.Linear(24, 12, rng, backend: backend), new Scratchgen.Nn.Tanh(),
            new Scratchgen.Nn.Linear(12, 24, rng, backend: backend));
        var adam = new Scratchgen.Optim.Adam(net.Parameters(), 1e-2);
        var data = Tensor.Rand([6, 24], new Rng(3), backend: backend);
        var scopes = new ScopedSteps();
        double Step() => scopes.Run(() =>
        {
            var noisy = data.Add(Tensor.RandN([6, 24], rng, std: 0.1, backend: backend)); // one upload: the noise
            var loss = Loss.BceWithLogits(net.Forward(noisy), data);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();                                                                  // one read-back: the finiteness check
            return loss.Item();                                                           // one read-back: the loss
        }, () => [.. net.Parameters(), .. net.Parameters().Select(p => p.Grad), .. adam.State().Select(s => s.Tensor)]);

        double first = Step();
        for (int i = 0; i < 2; i++) Step();
        long allocations = backend.DeviceAllocations, toHost = backend.DeviceToHostCopies, toDevice = backend.HostToDeviceCopies;
        const int steps = 4;
        double last = 0;
        for (int i = 0; i < steps; i++) last = Step();

        Assert.True(last < first, $"the loss did not fall ({first} -> {last}): the steps did not train");
        Assert.Equal(0, backend.DeviceAllocations - allocations);
        Assert.Equal(2 * steps, backend.DeviceToHostCopies - toHost);
        Assert.Equal(steps, backend.HostToDeviceCopies - toDevice);
        Assert.Equal(tunedMatMul, backend.TunedRungs.Count > 0);
    }
}

/// <summary>Tests that count the shared Cpu backend's allocations run alone: a test running beside them
/// would take arrays from the same pool.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExclusiveCpuBackend
{
    public const string Name = "Exclusive use of the Cpu backend's pool";
}
