using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Backends;

/// <summary>KernelTimeline on a private CPU-accelerator backend, where markers are timestamps and each launch
/// runs to its end before returning: every launch is in the report once, under its kernel's name, and the
/// busy and idle times add up to the span from the first marker to the last, within the wall time around them.</summary>
public sealed class IlgpuKernelTimelineTests
{
    [Fact]
    public void EveryLaunchIsTimedUnderItsKernelName()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(6);
        var a = Tensor.RandN([1, 40, 30], rng, backend: backend);
        var b = Tensor.RandN([1, 30, 20], rng, backend: backend);
        var x = Tensor.RandN([9, 17], rng, backend: backend);
        var (c, y) = (Tensor.Zeros([1, 40, 20], backend: backend), Tensor.Zeros([9, 17], backend: backend));
        using var timeline = new KernelTimeline();
        backend.Timeline = timeline;
        long launches = backend.KernelLaunches;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        backend.MatMul(a, b, c, accumulate: false);
        backend.MatMul(a, b, c, accumulate: true);
        backend.Softmax(x, y, log: false);
        var zeros = Tensor.Zeros([5], backend: backend); // a memset
        var values = y.ToArray();                        // a download
        timeline.Collect();
        double wallMs = wall.Elapsed.TotalMilliseconds;
        backend.Timeline = null;

        var rows = timeline.Report().ToDictionary(r => r.Kernel);
        Assert.Equal(2, rows["matmul-v1"].Calls);
        Assert.Equal(1, rows["memset"].Calls);
        Assert.Equal(1, rows["download"].Calls);
        var softmax = Assert.Single(rows.Values, r => r.Kernel.StartsWith("softmax"));
        Assert.Equal(1, softmax.Calls);
        Assert.Equal(backend.KernelLaunches - launches, rows.Values.Where(r => r.Kernel != "download").Sum(r => r.Calls));
        Assert.All(rows.Values, r => Assert.True(r.Milliseconds >= 0, $"{r.Kernel}: {r.Milliseconds} ms"));
        Assert.True(rows["matmul-v1"].Milliseconds > 0);
        Assert.Equal(rows.Values.Sum(r => r.Milliseconds), timeline.BusyMilliseconds, 6);
        Assert.Equal(timeline.SpanMilliseconds, timeline.BusyMilliseconds + timeline.IdleMilliseconds, 6);
        Assert.InRange(timeline.SpanMilliseconds, timeline.BusyMilliseconds, wallMs);
        Assert.Equal(1, timeline.Collections);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void WithoutATimeline_NothingIsRecorded_AndResultsAreTheSame()
    {
        using var backend = IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        var rng = new Rng(7);
        var x = Tensor.RandN([4, 33], rng, backend: backend);
        var (timed, plain) = (Tensor.Zeros([4, 33], backend: backend), Tensor.Zeros([4, 33], backend: backend));
        using var timeline = new KernelTimeline();
        backend.Timeline = timeline;
        backend.Softmax(x, timed, log: true);
        backend.Timeline = null;
        backend.Softmax(x, plain, log: true); // the cached launcher runs unwrapped
        timeline.Collect();
        Assert.Equal(1, Assert.Single(timeline.Report()).Calls);
        Assert.Equal(plain.ToArray(), timed.ToArray());
    }
}
