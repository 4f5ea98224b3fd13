using Scratchgen.Backends;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Backends.Ilgpu.Kernels;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>Multi-tensor apply on ILGPU (TensorList8): an optimizer step's Adam updates and sum of squares over
/// many parameters in a launch per 8 tensors, against the one-tensor-at-a-time forms, on a private CPU-accelerator
/// backend (launches are counted). Sizes: 1, 7, 33, around the 256-thread group and the 4,096-element slice.</summary>
public sealed class IlgpuTensorListTests
{
    private static readonly int[] Sizes = [1, 7, 33, 255, 257, 4095, 4097, 3, 10_000, 64, 0, 8];

    [Fact]
    public void Locate_FindsTheEntryAndPosition_OfEveryItem()
    {
        int[] lengths = [3, 0, 5, 1, 0, 0, 9, 2];
        var ends = Ends8.Of(lengths);
        Assert.Equal(lengths.Sum(), ends.Total);
        int item = 0;
        for (int k = 0; k < lengths.Length; k++)
            for (int j = 0; j < lengths[k]; j++, item++)
            {
                Assert.Equal(k, ends.Locate(item, out int local));
                Assert.Equal(j, local);
            }
        Assert.Throws<ArgumentException>(() => Ends8.Of(new int[9]));
        Assert.Throws<ArgumentException>(() => Ends8.Of([int.MaxValue, 1]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdamSteps_GiveTheBitsOfOneAdamStepEach_InALaunchPer8Parameters(bool decoupled)
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var h = new AdamStepParams(1e-2f, 0.5f, 0.999f, 1e-8f, 0.5f, 0.001f, 0.01f, decoupled ? 1 : 0);
        var rng = new Rng(5);
        var host = Sizes.Select(n => Enumerable.Range(0, 4).Select(_ => Tensor.RandN([n], rng, backend: Backend.Reference).ToArray()).ToArray()).ToArray();
        AdamTensors[] Upload() => [.. host.Select((a, i) => new AdamTensors(Tensor.FromArray(a[0], [Sizes[i]], backend), Tensor.FromArray(a[1], [Sizes[i]], backend),
            Tensor.FromArray(a[2], [Sizes[i]], backend), Tensor.FromArray(a[3].Select(Math.Abs).ToArray(), [Sizes[i]], backend)))];
        var (one, listed) = (Upload(), Upload());
        foreach (var (p, g, m, v) in one) backend.AdamStep(p, g, m, v, h);
        long before = backend.KernelLaunches;
        backend.AdamSteps(listed, h);
        Assert.Equal(2, backend.KernelLaunches - before); // 11 non-empty parameters: 8 + 3
        for (int i = 0; i < Sizes.Length; i++)
        {
            Assert.Equal(one[i].P.ToArray(), listed[i].P.ToArray());
            Assert.Equal(one[i].M.ToArray(), listed[i].M.ToArray());
            Assert.Equal(one[i].V.ToArray(), listed[i].V.ToArray());
        }
        // And the update is Adam's: AdamStepParams.Apply on the host, within float32 rounding of sqrt.
        for (int i = 0; i < Sizes.Length; i++)
        {
            var expected = host[i][0].Select((p, e) => h.Apply((float)p, (float)host[i][1][e], (float)host[i][2][e], (float)Math.Abs(host[i][3][e])).P).ToArray();
            Close.Assert(expected, listed[i].P.ToArray(), 1e-5, 1e-6, $"parameter {i} ({Sizes[i]} elements)");
        }
    }

    [Fact]
    public void AdamSteps_TakeAStridedGradient_OnItsOwn()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var h = new AdamStepParams(1e-2f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.001f, 0, 0);
        var rng = new Rng(6);
        AdamTensors Make(Tensor g) => new(Tensor.RandN([5, 3], rng, backend: backend), g, Tensor.Zeros([5, 3], backend: backend), Tensor.Zeros([5, 3], backend: backend));
        var gradient = Tensor.RandN([3, 5], rng, backend: backend).Transpose(0, 1); // (5, 3), not contiguous
        var (a, b) = (Make(gradient), Make(Tensor.RandN([5, 3], rng, backend: backend)));
        var (pa, pb) = (a.P.ToArray(), b.P.ToArray());
        var (ga, gb) = (a.G.ToArray(), b.G.ToArray());
        long before = backend.KernelLaunches;
        backend.AdamSteps([a, b], h);
        Assert.Equal(2, backend.KernelLaunches - before); // AdamStep for a, one list launch for b
        Close.Assert(pa.Select((p, e) => h.Apply(p, ga[e], 0, 0).P).ToArray(), a.P.ToArray(), 1e-5, 1e-6, "strided gradient");
        Close.Assert(pb.Select((p, e) => h.Apply(p, gb[e], 0, 0).P).ToArray(), b.P.ToArray(), 1e-5, 1e-6, "contiguous gradient");
    }

    [Fact]
    public void SumOfSquares_OfManyTensors_MatchesAFloat64Sum_Deterministically()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(7);
        var host = Sizes.Select(n => Tensor.RandN([n], rng, backend: Backend.Reference).ToArray()).ToArray();
        var tensors = host.Select((a, i) => Tensor.FromArray(a, [Sizes[i]], backend)).ToList();
        double expected = host.Sum(a => a.Sum(v => (double)v * v));
        var total = Tensor.Zeros([1], backend: backend);
        long before = backend.KernelLaunches;
        backend.SumOfSquares(tensors, total);
        Assert.Equal(3, backend.KernelLaunches - before); // 11 non-empty tensors: 8 + 3 per launch, then the partials
        float first = total.ToArray()[0];
        Assert.Equal(expected, first, expected * 1e-6);
        backend.SumOfSquares(tensors, total);
        Assert.Equal(first, total.ToArray()[0]); // the same order of sums every time
        // Each tensor alone, against the Reference's fold (a mistake in one tensor's slices shows here).
        for (int i = 0; i < Sizes.Length; i++)
        {
            backend.SumOfSquares([tensors[i]], total);
            double one = host[i].Sum(v => (double)v * v);
            Assert.Equal(one, total.ToArray()[0], Math.Max(one * 1e-6, 1e-7));
        }
    }

    [Fact]
    public void SumOfSquares_OfNothing_IsZero_AndAStridedTensor_TakesTheDefault()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var total = Tensor.Full([1], 5, backend: backend);
        backend.SumOfSquares([Tensor.Zeros([0], backend: backend)], total);
        Assert.Equal(0f, total.ToArray()[0]);
        var x = Tensor.FromArray([1, 2, 3, 4, 5, 6], [2, 3], backend).Transpose(0, 1);
        backend.SumOfSquares([x, Tensor.FromArray([2], [1], backend)], total);
        Assert.Equal(95f, total.ToArray()[0]);
    }

    [Fact]
    public void AnAdamStep_OfAModel_IsTheSameOnTheListsAndOneParameterAtATime()
    {
        // The optimizer hands its parameters over as one list (Optimizer.UpdateAll); SGD-style one at a time is
        // the Reference. Same parameters and gradients on both; Adam's result must agree to float32 rounding.
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(8);
        var shapes = new[] { new[] { 3, 4 }, [4], [33], [2, 5, 7], [1], [9], [8, 8], [6], [5, 5], [2] };
        var values = shapes.Select(s => (Tensor.RandN(s, rng, backend: Backend.Reference).ToArray(), Tensor.RandN(s, rng, backend: Backend.Reference).ToArray())).ToArray();
        Tensor[] Parameters(IBackend b) => [.. values.Select((v, i) =>
        {
            var p = Tensor.FromArray(v.Item1, shapes[i], b).RequireGrad();
            p.Grad = Tensor.FromArray(v.Item2, shapes[i], b);
            return p;
        })];
        var (onDevice, reference) = (Parameters(backend), Parameters(Backend.Reference));
        var (a, r) = (new Adam(onDevice, 1e-2), new Adam(reference, 1e-2));
        Assert.True(a.Step()); // the first step also creates the moments (a zero fill each)
        Assert.True(r.Step());
        long before = backend.KernelLaunches;
        Assert.True(a.Step());
        Assert.True(r.Step());
        // The finiteness check (2 list launches and the fold of their partials) and Adam (2 list launches).
        Assert.Equal(5, backend.KernelLaunches - before);
        for (int i = 0; i < shapes.Length; i++)
            Close.Assert(reference[i].ToArray(), onDevice[i].ToArray(), 1e-5, 1e-6, $"parameter {i}");
    }
}
