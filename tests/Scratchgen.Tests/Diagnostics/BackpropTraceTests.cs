using Scratchgen.Models;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Diagnostics;

public sealed class BackpropTraceTests
{
    [Fact]
    public void Trace_OfTheMlp_ListsForwardInOrder_BackwardReversed_WithRulesAndAccumulation()
    {
        using var trace = BackpropTrace.Start();
        var (loss, parameters) = TraceSubjects.MlpLoss(4, 1, Backend.Reference);
        loss.Backward();
        trace.Dispose();

        var segment = Assert.Single(trace.Segments);
        Assert.Equal(["linear", "tanh", "linear", "bce_with_logits", "pow(2)", "sum", "mul(0.01)", "add"], segment.Forward.Select(f => f.Op));
        Assert.Equal(["x (4, 2)", "W1 (8, 2)", "b1 (8)"], segment.Forward[0].Inputs);
        // Every taped op is visited once, and every op before the ops that made its inputs.
        Assert.Equal(segment.Forward.Count, segment.Backward.Count);
        Assert.Equal("add", segment.Backward[0].Op);
        var backwardOps = segment.Backward.Select(b => b.Op).ToList();
        Assert.True(backwardOps.IndexOf("tanh") < backwardOps.LastIndexOf("linear"), "tanh's backward must come before the first layer's");
        Assert.All(segment.Backward, b => Assert.NotEqual("", b.Rule));
        Assert.Equal("dx = dy * (1 - y^2)", segment.Backward.Single(b => b.Op == "tanh").Rule);

        // W1 gets two contributions (layer and decay); exactly one of them is marked as accumulated,
        // and the two norms are those of the gradients the engine summed into W1.Grad.
        var w1Inputs = segment.Backward.SelectMany(b => b.Inputs).Where(i => i.Tensor == "W1 (8, 2)").ToList();
        Assert.Equal(2, w1Inputs.Count);
        Assert.Equal(1, w1Inputs.Count(i => i.Accumulated));
        Assert.DoesNotContain(segment.Backward.SelectMany(b => b.Inputs), i => i.Accumulated && i.Tensor != "W1 (8, 2)");
        var w1 = parameters[0];
        var decayGrad = w1.ToDoubleArray().Select(v => 0.02 * v).ToArray();
        double decayNorm = Math.Sqrt(decayGrad.Sum(v => v * v));
        Assert.Contains(w1Inputs, i => Math.Abs(i.GradNorm!.Value - decayNorm) < 1e-6);
        Assert.Equal(1.0, segment.Backward[0].GradOutputNorm, 12);
        Assert.Null(segment.Backward.Single(b => b.Op == "bce_with_logits").Inputs[1].GradNorm); // y needs none
    }

    [Fact]
    public void Trace_OfAGanStep_HasOneSegmentPerBackwardPass()
    {
        var model = TraceSubjects.TinyModel("gan", 1, Backend.Cpu);
        var (images, labels) = TraceSubjects.RandomBatch(model, 2, 1);
        using var trace = BackpropTrace.Start();
        model.TrainStep(images, labels);
        trace.Dispose();
        Assert.Equal(2, trace.Segments.Count); // D's update, then G's
        Assert.Equal(2, trace.Roots.Count);
        Assert.All(trace.Segments, s => Assert.NotNull(s.Root));
        Assert.Contains(trace.Segments[0].Forward, f => f.Inputs.Any(i => i.StartsWith("discriminator.", StringComparison.Ordinal)));
        Assert.Contains("ACCUMULATED", TraceText.Format(trace.Segments)); // D's weights serve real and fake batches
    }

    // `trace --model M` promises every catalog model at toy size (1x4x4 images): the conv models too.
    [Theory]
    [MemberData(nameof(CatalogModels))]
    public void Trace_OfEveryCatalogModelAtToySize_RecordsForwardAndBackward(string name)
    {
        var model = TraceSubjects.TinyModel(name, 1, Backend.Cpu);
        var (images, labels) = TraceSubjects.RandomBatch(model, 2, 1);
        using var trace = BackpropTrace.Start();
        model.TrainStep(images, labels);
        trace.Dispose();
        Assert.NotEmpty(trace.Segments);
        Assert.All(trace.Segments, s => Assert.NotEmpty(s.Backward));
    }

    public static TheoryData<string> CatalogModels() => [.. ModelFactory.Names];

    [Fact]
    public void Observers_Nest_AndTheProfilerStillCountsForwardAndBackward()
    {
        var x = Tensor.FromArray([1f, 2f], [2]).RequireGrad();
        using var profiler = OpProfiler.Start();
        var seen = new List<string>();
        using (AutogradObservers.Attach(new Recorder(seen)))
        {
            x.Tanh().Sum().Backward();
        }
        x.Exp().Sum(); // after the recorder's scope: only the profiler sees it

        Assert.Equal(["forward tanh", "forward sum", "begin"], seen.Take(3));
        Assert.Equal("end", seen[^1]);
        Assert.Equal(["step sum", "step tanh"], seen.Where(e => e.StartsWith("step ", StringComparison.Ordinal)));
        Assert.DoesNotContain("forward exp", seen);
        var calls = profiler.Report().ToDictionary(r => r.What, r => r.Calls);
        Assert.Equal(1, calls["backward tanh"]);
        Assert.Equal(1, calls["forward exp"]);
    }

    private sealed class Recorder(List<string> seen) : IAutogradObserver
    {
        public void OnForward(Op op, Tensor output, TimeSpan elapsed) => seen.Add("forward " + op.Name);
        public void OnBackwardBegin(Tensor root) => seen.Add("begin");
        public void OnBackwardStep(BackwardStep step, TimeSpan elapsed) => seen.Add("step " + step.Op.Name);
        public void OnBackwardEnd(Tensor root) => seen.Add("end");
    }
}
