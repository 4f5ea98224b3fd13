using System.Diagnostics;
using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Diagnostics;

/// <summary>The profiler's optimizer rows and its covered time (each instant once, however rows nest),
/// which bench models --profile divides a step's time by.</summary>
public sealed class OpProfilerTests
{
    [Fact]
    public void SpanUnion_CountsNestedSpansOnce_AndDisjointOnesEach()
    {
        var union = new SpanUnion();
        union.Add(10, 20);  // an op inside the backward step below
        union.Add(22, 30);  // another
        union.Add(5, 40);   // the step: covers both
        union.Add(50, 60);  // the next op, apart
        union.Add(55, 70);  // one that starts inside it (its start read a little early)
        union.Add(70, 75);  // one that starts where the last ended
        Assert.Equal(35 + 25, union.Total);
    }

    [Fact]
    public void OptimizerSteps_HaveTheirOwnRow_AndCoveredTimeCountsNestedRowsOnce()
    {
        var rng = new Rng(3);
        var w = Tensor.RandN([256, 256], rng).RequireGrad();
        var x = Tensor.RandN([128, 256], rng);
        var adam = new Adam([w], 1e-3);
        void Step()
        {
            adam.ZeroGrad();
            x.MatMul(w.Transpose(0, 1)).Tanh().Sum().Backward();
            adam.Step();
        }
        Step(); // compiled before the clock starts
        long start = Stopwatch.GetTimestamp();
        OpProfiler profiler;
        var nested = new NestedForwards();
        using (profiler = OpProfiler.Start())
        using (AutogradObservers.Attach(nested))
        {
            for (int i = 0; i < 3; i++) Step();
        }
        var wall = Stopwatch.GetElapsedTime(start);
        adam.Step(); // after the scope: not seen

        var rows = profiler.Report();
        var optimizer = Assert.Single(rows, r => r.What.StartsWith("optimizer step", StringComparison.Ordinal));
        Assert.Equal(("optimizer step adam", 3), (optimizer.What, optimizer.Calls));
        Assert.Equal(optimizer.Ms, profiler.InOptimizerSteps.TotalMilliseconds, 6);
        // The backward rules run ops of their own (matmul's two matmuls), reported as forward rows inside the
        // backward rows: covered time is the rows' sum less those nested rows, and at most the time that passed.
        double covered = profiler.Covered.TotalMilliseconds, sum = rows.Sum(r => r.Ms);
        double slack = 0.05 + 0.1 * nested.Ms; // clock reads between an op's end and the profiler's
        Assert.True(nested.Ms > 2 * slack, $"nested {nested.Ms} ms of {sum} ms");
        Assert.True(Math.Abs(covered - (sum - nested.Ms)) <= slack,
            $"covered {covered} ms, rows {sum} ms of which nested {nested.Ms} ms; rows: {string.Join(", ", rows.Select(r => $"{r.What} {r.Ms:F3}"))}");
        Assert.True(covered <= wall.TotalMilliseconds, $"covered {covered} ms, wall {wall.TotalMilliseconds} ms");
    }

    // The forwards reported during a backward pass: ops that backward rules ran, inside a backward row.
    private sealed class NestedForwards : IAutogradObserver
    {
        private bool _inBackward;
        public double Ms { get; private set; }
        public void OnBackwardBegin(Tensor root) => _inBackward = true;
        public void OnBackwardEnd(Tensor root) => _inBackward = false;
        public void OnForward(Op op, Tensor output, TimeSpan elapsed)
        {
            if (_inBackward) Ms += elapsed.TotalMilliseconds;
        }
    }
}
