using Scratchgen.Lab;
using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Tests.Lab;

public sealed class GanLabTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-lab-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ShortRun_WritesGifsWithTheFramesAsked_AndAMetricsRowPerFrame()
    {
        var config = new LabConfig(ToyDistribution.Grid25, ["gan", "wgan-gp"], Steps: 6, Frames: 4, BatchSize: 16, EvalSamples: 200, ShownSamples: 100);
        var runs = GanLab.Run(config, _dir);

        Assert.Equal(["gan", "wgan-gp"], runs.Select(r => r.Model));
        Assert.All(runs, r => Assert.Equal([0, 2, 4, 6], r.History.Select(h => h.Step)));
        // Each frame's report counts the 200 fixed-noise samples: its high-quality share is its per-mode counts' sum.
        Assert.All(runs, r => Assert.All(r.History, h => Assert.Equal(h.Report.HighQualityShare * 200, h.Report.HighQualityPerMode.Sum(), 9)));
        foreach (var file in new[] { "grid-gan.gif", "grid-wgan-gp.gif", "grid-side-by-side.gif" })
        {
            using var gif = Image.Load<Rgb24>(Path.Combine(_dir, file));
            Assert.Equal(4, gif.Frames.Count);
            Assert.Equal(file.Contains("side") ? 2 * LabPanel.Width : LabPanel.Width, gif.Width);
        }
        using var png = Image.Load<Rgb24>(Path.Combine(_dir, "grid-side-by-side.png"));
        Assert.Equal(LabPanel.Height, png.Height);
    }

    // Modes covered, as the lab reports them: on four wide, well separated modes WGAN-GP's untrained generator
    // (points near the origin) covers none, and 400 steps later all four (measured: 3 of 4 after 200 steps,
    // 4 from 300 on). A lab that measured the real points, or a generator that did not learn, fails one of the two.
    [Fact]
    public void WganGp_OnFourWideModes_CoversNoneUntrainedAndAllAfter400Steps()
    {
        var square = new ToyDistribution("square", [(-1.5, -1.5), (1.5, -1.5), (-1.5, 1.5), (1.5, 1.5)], Std: 0.2, Extent: 3.0);
        var run = Assert.Single(GanLab.Run(new LabConfig(square, ["wgan-gp"], Steps: 400, Frames: 2, BatchSize: 64, EvalSamples: 1000, ShownSamples: 100), _dir));
        Assert.Equal([0, 400], run.History.Select(h => h.Step));
        Assert.Equal(0, run.History[0].Report.ModesCovered);
        Assert.True(run.Final.ModesCovered == 4, $"after 400 steps: {run.Final} (per mode: {string.Join(", ", run.Final.HighQualityPerMode)})");
    }

    [Fact]
    public void Run_RefusesTooFewFrames()
    {
        var ex = Assert.Throws<ArgumentException>(() => GanLab.Run(new LabConfig(ToyDistribution.Ring8, ["gan"], 10, 1), _dir));
        Assert.Contains("--frames", ex.Message);
    }

    // The image loop's watch: a generator that ignores z (all samples equal) is reported as collapsed;
    // one whose samples are spread like the real batch is not.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GanWatch_WarnsWhenFixedNoiseSamplesAreAllAlike(bool collapsed)
    {
        var o = new ModelOptions(Channels: 1, Height: 4, Width: 4, LatentDim: 8, Seed: 3);
        var g = new Linear(8, 16, new Rng(5));
        if (collapsed)
            using (Scratchgen.Autograd.GradMode.NoGrad()) g.Weight.AddInPlace(g.Weight.Mul(-1)); // the output is the bias for every z
        var model = new Gan(o, new Sequential(g), new Linear(16, 1, new Rng(6)));
        var realLike = Tensor.RandN([32, 8], new Rng(9)).MatMul(new Linear(8, 16, new Rng(5)).Weight.Detach().T()).Reshape([32, 1, 4, 4]);
        var watch = new GanWatch(model, 1);
        var healthyLosses = new Dictionary<string, double> { ["loss_d"] = 1.3 };
        var warnings = new List<string>();
        for (long step = 1; step <= 1300; step++) warnings.AddRange(watch.Observe(step, realLike, healthyLosses));
        if (collapsed) Assert.Contains(warnings, w => w.Contains("mode collapse"));
        else Assert.Empty(warnings);
    }
}
