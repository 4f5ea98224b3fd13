using System.Text.Json;
using Scratchgen.Autograd;
using Scratchgen.Lab;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Lab;

/// <summary>The live lab's session without a browser: changes take effect at the next step and are logged
/// with it, a saved log replays to the same networks, the arrows are the per-point gradient of G's loss,
/// and the frame carries what the page draws.</summary>
public sealed class LabSessionTests
{
    private static LabSettings Small(ulong seed = 5) => new(BatchSize: 32, GWidth: 16, DWidth: 16, Seed: seed);

    private static LabChange C(string field, string value) => LabControl.Parse(field, value).Change ?? throw new ArgumentException(field);

    [Fact]
    public void AChange_TakesEffectAtTheNextStep_AndIsLoggedWithIt()
    {
        var session = new LabSession(Small());
        session.Advance();
        session.Advance();
        session.Apply(C("lr_d", "1e-4"));
        Assert.Equal(1e-3, session.Gan.DOptimizer.CurrentLearningRate, 12);
        session.Advance();
        Assert.Equal(1e-4, session.Gan.DOptimizer.CurrentLearningRate, 12);
        Assert.Equal(1e-3, session.Gan.GOptimizer.CurrentLearningRate, 12);
        var entry = Assert.Single(session.Log.Entries);
        Assert.Equal((2L, "lr_d", "0.0001"), (entry.Step, entry.Field, entry.Value));
        Assert.Equal(3, session.Step);
    }

    [Fact]
    public void Widths_RebuildTheirNetwork_AndResetStartsOverWithTheSeed()
    {
        var session = new LabSession(Small());
        session.Advance();
        session.Apply(C("g_width", "8"));
        Assert.Equal([8, LabGan.LatentDim], session.Gan.G.Parameters()[0].Dims);
        Assert.Equal([16, 2], session.Gan.D.Parameters()[0].Dims);
        session.Apply(C("reset", "7"));
        Assert.Equal(0, session.Step);
        Assert.Equal(7UL, session.Settings.Seed);
        // A fresh session with seed 7 and the same widths has the same weights.
        var fresh = new LabSession(Small(7) with { GWidth = 8 });
        Assert.Equal(fresh.Gan.G.Parameters()[0].ToArray(), session.Gan.G.Parameters()[0].ToArray());
    }

    [Fact]
    public void ASavedLog_ReplaysToTheSameNetworks()
    {
        var original = new LabSession(Small() with { Data = "grid" });
        var plan = new (int Steps, LabChange[] Changes)[]
        {
            (3, [C("lr_d", "1e-4")]), (2, [C("loss", "minimax"), C("d_steps", "2")]), (2, [C("loss", "wgan-gp")]),
            (2, [C("reset", "9")]), (1, [C("d_width", "8"), C("drawn", "1 1;-1 -1;0 2")]), (3, []),
        };
        foreach (var (steps, changes) in plan)
        {
            for (int i = 0; i < steps; i++) original.Advance();
            foreach (var c in changes) original.Apply(c);
        }

        var (initial, entries) = LabChangeLog.Parse(original.Log.ToJson(), "log");
        Assert.Equal(7, entries.Count);
        var replay = new LabSession(initial);
        var pending = new Queue<LabLogEntry>(entries);
        for (int guard = 0; guard < 100 && (pending.Count > 0 || replay.Step < original.Step); guard++)
        {
            while (pending.Count > 0 && pending.Peek().Step == replay.Step) replay.Apply(new LabChange(pending.Peek().Field, pending.Dequeue().Value));
            if (pending.Count > 0 || replay.Step < original.Step) replay.Advance();
        }
        Assert.Equal(original.Settings with { Drawn = null }, replay.Settings with { Drawn = null });
        Assert.Equal(original.Step, replay.Step);
        foreach (var (a, b) in original.Gan.G.Parameters().Zip(replay.Gan.G.Parameters()).Concat(original.Gan.D.Parameters().Zip(replay.Gan.D.Parameters())))
            Assert.Equal(a.ToArray(), b.ToArray());
    }

    // The arrow on a point is -d(loss of that point)/d(point): checked against central differences of the
    // per-point loss computed from D's output alone, for each loss.
    [Theory]
    [InlineData("non-saturating")]
    [InlineData("minimax")]
    [InlineData("wgan-gp")]
    public void Arrows_AreTheNegativeGradientOfEachPointsLoss(string lossName)
    {
        var loss = LabControl.Apply(new LabSettings(), new LabChange("loss", lossName)).Loss;
        var gan = new LabGan(8, 8, 1e-3, 1e-3, seed: 3);
        float[] points = [0.3f, -0.7f, 1.2f, 0.4f, -1.5f, -0.2f];
        var arrows = gan.PointGradients(points, loss);
        double PointLoss(double x, double y)
        {
            using var _ = GradMode.NoGrad();
            double s = gan.D.Forward(gan.Points([(float)x, (float)y])).ToArray()[0];
            return loss switch
            {
                LabLoss.NonSaturating => Math.Log(1 + Math.Exp(-s)),
                LabLoss.Minimax => -Math.Log(1 + Math.Exp(s)),
                _ => -s,
            };
        }
        const double h = 1e-2;
        for (int i = 0; i < 3; i++)
        {
            double x = points[2 * i], y = points[2 * i + 1];
            double gx = (PointLoss(x + h, y) - PointLoss(x - h, y)) / (2 * h), gy = (PointLoss(x, y + h) - PointLoss(x, y - h)) / (2 * h);
            Assert.True(Math.Abs(-gx - arrows[2 * i]) < 2e-3 + 0.02 * Math.Abs(gx), $"point {i} x: arrow {arrows[2 * i]}, finite difference {-gx}");
            Assert.True(Math.Abs(-gy - arrows[2 * i + 1]) < 2e-3 + 0.02 * Math.Abs(gy), $"point {i} y: arrow {arrows[2 * i + 1]}, finite difference {-gy}");
        }
        Assert.Contains(arrows, a => Math.Abs(a) > 1e-4);
    }

    [Fact]
    public void Frame_CarriesPointsSurfaceArrowsLossesAndTheTrace()
    {
        var session = new LabSession(Small());
        for (int i = 0; i < 4; i++) session.Advance(trace: i == 3);
        var frame = session.Frame(playing: false, stepsPerSecond: 0);
        using var json = JsonDocument.Parse(frame.Json);
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("step").GetInt64());
        Assert.Equal(2 * LabSession.Shown, root.GetProperty("real").GetArrayLength());
        Assert.Equal(2 * LabSession.Shown, root.GetProperty("fake").GetArrayLength());
        Assert.Equal(2 * LabSession.Shown, root.GetProperty("arrows").GetArrayLength());
        var surface = root.GetProperty("surface").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(LabSession.GridSide * LabSession.GridSide, surface.Count);
        Assert.All(surface, v => Assert.InRange(v, 0, 1));
        Assert.Equal([1L, 2, 3, 4], root.GetProperty("losses").GetProperty("step").EnumerateArray().Select(v => v.GetInt64()));
        Assert.Equal(8, root.GetProperty("metrics").GetProperty("modes").GetInt32());
        Assert.Equal(4, root.GetProperty("traceStep").GetInt64());

        // The trace names the step's ops: one D update then the G update, each with its forward and backward.
        var trace = session.LastTrace!;
        Assert.Equal(2, trace.Parts.Count);
        Assert.StartsWith("D update 1 of 1", trace.Parts[0].Title);
        Assert.StartsWith("G update", trace.Parts[1].Title);
        Assert.Contains(trace.Parts[0].Forward, f => f.StartsWith("bce_with_logits", StringComparison.Ordinal));
        Assert.Contains(trace.Parts[1].Backward, b => b.Contains("G.0.weight", StringComparison.Ordinal));
        Assert.DoesNotContain(trace.Parts[1].Backward, b => b.Contains("-> D.0.weight", StringComparison.Ordinal)); // D is frozen during G's update
    }

    [Fact]
    public void Runner_PlaysPausesAndSteps()
    {
        using var runner = new LabRunner(new LabSession(Small()));
        Assert.Equal(0, runner.Frame.Step);
        runner.SingleStep();
        Assert.True(SpinWait.SpinUntil(() => runner.Frame.Step == 1, TimeSpan.FromSeconds(30)), $"step {runner.Frame.Step}");
        runner.Play();
        Assert.True(SpinWait.SpinUntil(() => runner.Frame.Step >= 5, TimeSpan.FromSeconds(60)), $"step {runner.Frame.Step}");
        runner.Pause();
        long paused = runner.Frame.Step;
        Thread.Sleep(300);
        Assert.Equal(paused, runner.Frame.Step);
        Assert.False(runner.Frame.Playing);
        Assert.Null(runner.Failure);
    }
}
