using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Cli.Benchmarks.Ladders;

namespace Scratchgen.Tests.Kernels;

/// <summary>
/// Every rung of every kernel family's ladder (the harness `bench ladder` times) against its float64 reference
/// on the family's awkward and round shapes, on the Reference, Cpu and ILGPU-CPU backends; with controls that
/// a rung off by a little, or missing one product of a sum, fails the check; and that the timer times.
/// </summary>
public sealed class LadderTests
{
    private static readonly string[] Backends = ["reference", "cpu", "ilgpu-cpu"];

    public static TheoryData<string, string, string, int> Cases()
    {
        var data = new TheoryData<string, string, string, int>();
        foreach (var ladder in KernelLadder.All)
            foreach (var rung in ladder.Rungs(Backends))
                for (int shape = 0; shape < ladder.CheckShapes.Count; shape++)
                    data.Add(ladder.Family, rung.Name, rung.Backend, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rung_MatchesTheReference(string family, string rungName, string backend, int shape)
    {
        var (ladder, rung) = Find(family, rungName, backend);
        var problem = ladder.Problem(ladder.CheckShapes[shape], seed: 1);
        var check = ladder.Check(rung, problem);
        Assert.True(check.Passed, $"{family} {rungName} on {backend} at {problem.Label}: {check.Worst} (worst error / allowed {check.WorstRatio:G3})");
    }

    [Fact]
    public void EveryFamily_HasRungsOnTheCpuAndIlgpuBackends_AndAwkwardShapes()
    {
        Assert.Equal(["matmul", "conv", "batchnorm", "elementwise", "reduce"], KernelLadder.All.Select(l => l.Family));
        foreach (var ladder in KernelLadder.All)
        {
            var backends = ladder.Rungs(Backends).Select(r => r.Backend).ToHashSet();
            Assert.True(backends.SetEquals(["cpu", "ilgpu-cpu"]) || backends.SetEquals(Backends), $"{ladder.Family}: rungs on {string.Join(", ", backends)}");
            Assert.Contains(ladder.CheckShapes, s => s.Contains(1));
            Assert.Contains(ladder.CheckShapes, s => s.Contains(7));
        }
    }

    [Theory]
    [InlineData("matmul")]
    [InlineData("conv")]
    [InlineData("batchnorm")]
    [InlineData("elementwise")]
    [InlineData("reduce")]
    public void AnOutputOffByTwiceItsAllowance_FailsTheCheck(string family)
    {
        var ladder = KernelLadder.Named(family)!;
        var problem = ladder.Problem(ladder.CheckShapes[2], seed: 1);
        var (expected, allowed) = ladder.Reference(problem);
        var exact = new Rung("exact", "test", _ => new FixedRun(expected.Select(e => (float)e).ToArray()));
        Assert.True(ladder.Check(exact, problem).Passed, $"{family}: the reference rounded to float32 must pass");
        var off = expected.Select(e => (float)e).ToArray();
        off[off.Length / 2] = (float)(expected[off.Length / 2] + 2 * allowed[off.Length / 2]);
        var check = ladder.Check(new Rung("off", "test", _ => new FixedRun(off)), problem);
        Assert.False(check.Passed);
        Assert.Contains($"output {off.Length / 2}", check.Worst);
        var nan = expected.Select(e => (float)e).ToArray();
        nan[0] = float.NaN;
        Assert.False(ladder.Check(new Rung("nan", "test", _ => new FixedRun(nan)), problem).Passed);
    }

    [Fact]
    public unsafe void AMatMulMissingOneProductOfEachSum_FailsTheCheck()
    {
        var ladder = KernelLadder.Named("matmul")!;
        var problem = ladder.Problem([33, 33, 33], seed: 1);
        var shortK = new Rung("k-1", "test", p => new FixedRun(ShortK(p)));
        Assert.False(ladder.Check(shortK, problem).Passed);
    }

    /// <summary>Past 2^27 multiply-adds the matmul reference computes every other row (here), and the check still
    /// fails a wrong value in a computed row and a NaN in a row it skipped.</summary>
    [Fact]
    public void LargeMatMul_IsCheckedOnSampledRows_AndStillFailsWrongOrNonFiniteOutputs()
    {
        var ladder = KernelLadder.Named("matmul")!;
        var problem = ladder.Problem([2048, 16, 8192], seed: 1);
        var (expected, allowed) = ladder.Reference(problem);
        Assert.True(double.IsFinite(allowed[0]) && double.IsPositiveInfinity(allowed[16]) && double.IsFinite(allowed[2 * 16]),
            "rows 0 and 2 computed, row 1 skipped");
        var rung = ladder.Rungs(["cpu"]).Single(r => r.Name == "V3Packed");
        float[] got;
        using (var run = rung.Bind(problem))
        {
            run.Run();
            got = run.Result();
        }
        Assert.True(ladder.Check(new Rung("v3", "test", _ => new FixedRun(got)), problem).Passed);
        var wrong = (float[])got.Clone();
        wrong[5] += (float)(2 * allowed[5]);
        Assert.False(ladder.Check(new Rung("wrong", "test", _ => new FixedRun(wrong)), problem).Passed);
        var nan = (float[])got.Clone();
        nan[16 + 3] = float.NaN;
        Assert.False(ladder.Check(new Rung("nan", "test", _ => new FixedRun(nan)), problem).Passed);
    }

    [Fact]
    public void Time_RunsAtLeastFiveTimes_AndRatesTheWork()
    {
        var ladder = KernelLadder.Named("matmul")!;
        var rung = ladder.Rungs(["cpu"]).First();
        var problem = ladder.Problem([16, 16, 16], seed: 1);
        var t = ladder.Time(rung, problem, minSeconds: 0.01);
        Assert.True(t.Reps >= 5, $"{t.Reps} timed runs");
        Assert.True(t.MinMs > 0 && t.MinMs <= t.MedianMs, $"min {t.MinMs} ms, median {t.MedianMs} ms");
        Assert.Equal(2.0 * 16 * 16 * 16 / (t.MedianMs / 1e3) / 1e9, t.Rate, 6);
    }

    private static unsafe float[] ShortK(LadderProblem p)
    {
        int m = p.Shape[0], n = p.Shape[1], k = p.Shape[2];
        var c = new float[m * n];
        fixed (float* a = p.Inputs[0], b = p.Inputs[1], cp = c)
            CpuGemm.V1Naive(m, n, k - 1, a, k, false, b, n, false, cp, n, false); // same leading dimensions, one term fewer
        return c;
    }

    private static (KernelLadder Ladder, Rung Rung) Find(string family, string rungName, string backend)
    {
        var ladder = KernelLadder.Named(family)!;
        return (ladder, ladder.Rungs([backend]).Single(r => r.Name == rungName));
    }

    private sealed class FixedRun(float[] values) : IRungRun
    {
        public void Run() { }

        public float[] Result() => values;

        public void Dispose() { }
    }
}
