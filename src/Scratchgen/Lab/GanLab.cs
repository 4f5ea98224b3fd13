using System.Diagnostics;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Lab;

/// <summary>What a lab run trains and draws.</summary>
/// <param name="Data">The toy mixture.</param>
/// <param name="Models">Lab model names (<see cref="ToyGans"/>), trained side by side on the same data stream.</param>
/// <param name="Steps">Training steps per model (one TrainStep each; WGAN-GP updates G every 5th).</param>
/// <param name="Frames">GIF frames, evenly spaced from step 0 to the last step.</param>
/// <param name="BatchSize">Points per step.</param>
/// <param name="EvalSamples">Fixed-noise samples the metrics are measured on (PacGAN uses 2,500).</param>
/// <param name="ShownSamples">How many of them each frame draws.</param>
internal sealed record LabConfig(
    ToyDistribution Data, IReadOnlyList<string> Models, int Steps, int Frames, int BatchSize = 256, ulong Seed = 1,
    int EvalSamples = 2500, int ShownSamples = 500, IBackend? Backend = null);

/// <summary>One model's run: the metrics at every frame's step, the final ones, and collapse warnings.</summary>
internal sealed record LabRun(string Model, IReadOnlyList<(int Step, ModeReport Report)> History, IReadOnlyList<string> Warnings, double Seconds)
{
    public ModeReport Final => History[^1].Report;
}

/// <summary>
/// The 2-D GAN lab: trains toy GANs side by side on a mixture of Gaussians and draws, frame by frame,
/// the real points, the generated points and the discriminator's decision surface; measures modes covered
/// and high-quality share (<see cref="ModeCoverage"/>) and watches for collapse (<see cref="CollapseDetector"/>).
/// Writes one GIF per model and one with all models side by side, plus a PNG of the last frame.
/// </summary>
internal static class GanLab
{
    private const int GridSide = 50;

    public static IReadOnlyList<LabRun> Run(LabConfig c, string outDir, Action<string>? log = null)
    {
        if (c.Models.Count == 0) throw new ArgumentException("the lab needs at least one model");
        if (c.Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {c.Steps}");
        if (c.Frames < 2) throw new ArgumentException($"--frames must be at least 2 (the start and the end), got {c.Frames}");
        if (c.BatchSize < 2) throw new ArgumentException($"--batch-size must be at least 2, got {c.BatchSize}");
        if (c.ShownSamples > c.EvalSamples) throw new ArgumentException("shown samples must not exceed evaluated samples");
        var backend = c.Backend ?? Backend.Default;
        var models = c.Models.Select(name => ToyGans.Create(name, c.Seed, backend: backend)).ToList();
        var real = c.Data.Sample(c.ShownSamples, new Rng(c.Seed + 1000));
        double realSpread = CollapseDetector.MeanPairwiseDistance(real, 2);
        var grid = Points(LabPanel.GridPoints(GridSide, c.Data.Extent), backend);
        var runs = c.Models.Select(_ => new RunState()).ToList();
        // Every model sees the same real batches (a copy of one stream each) and its own fixed noise.
        var dataRngs = c.Models.Select(_ => new Rng(c.Seed + 2000)).ToList();
        var noise = models.Select(m => m.SampleLatent(c.EvalSamples, new Rng(c.Seed + 3000))).ToList();
        var frames = c.Models.Select(_ => new List<Raster>()).ToList();
        var sideBySide = new List<Raster>();

        int done = 0;
        for (int frame = 0; frame < c.Frames; frame++)
        {
            int target = (int)Math.Round((double)frame * c.Steps / (c.Frames - 1));
            var panels = new Raster(LabPanel.Width * models.Count, LabPanel.Height, Rgb.White);
            for (int m = 0; m < models.Count; m++)
            {
                var clock = Stopwatch.StartNew();
                for (int step = done + 1; step <= target; step++)
                {
                    var batch = Points(c.Data.Sample(c.BatchSize, dataRngs[m]), backend);
                    var losses = models[m].TrainStep(batch, new int[c.BatchSize]);
                    if (runs[m].Detector.ObserveLosses(step, losses) is string w) runs[m].Warn(w, log, c.Models[m]);
                }
                var (fake, surface) = Look(models[m], noise[m], grid);
                var report = ModeCoverage.Measure(fake, c.Data);
                runs[m].History.Add((target, report));
                double spread = CollapseDetector.MeanPairwiseDistance(fake.AsSpan(0, 2 * c.ShownSamples), 2);
                if (runs[m].Detector.ObserveSpread(target, spread, realSpread) is string s) runs[m].Warn(s, log, c.Models[m]);
                runs[m].Seconds += clock.Elapsed.TotalSeconds;

                var panel = new Raster(LabPanel.Width, LabPanel.Height);
                LabPanel.Draw(panel, 0, 0, $"{c.Models[m]}  step {target}", $"modes {report.ModesCovered}/{report.Modes}  hq {report.HighQualityShare:P0}",
                    c.Data, real, fake.AsSpan(0, 2 * c.ShownSamples), surface, GridSide);
                frames[m].Add(panel);
                panels.Blit(panel, m * LabPanel.Width, 0);
            }
            sideBySide.Add(panels);
            done = target;
            log?.Invoke($"step {target}: " + string.Join("; ", c.Models.Select((name, m) => $"{name} {runs[m].History[^1].Report}")));
        }

        Directory.CreateDirectory(outDir);
        var provenance = Provenance.Generated(new Dictionary<string, string>
        {
            ["data"] = c.Data.Name, ["models"] = string.Join(",", c.Models), ["steps"] = c.Steps.ToString(), ["seed"] = c.Seed.ToString(),
        });
        for (int m = 0; m < models.Count; m++)
            ImageFiles.SaveGif(frames[m], Path.Combine(outDir, $"{c.Data.Name}-{c.Models[m]}.gif"), provenance, 200);
        ImageFiles.SaveGif(sideBySide, Path.Combine(outDir, $"{c.Data.Name}-side-by-side.gif"), provenance, 200);
        ImageFiles.SavePng(sideBySide[^1], Path.Combine(outDir, $"{c.Data.Name}-side-by-side.png"), provenance);
        return c.Models.Select((name, m) => new LabRun(name, runs[m].History, runs[m].Warnings, runs[m].Seconds)).ToList();
    }

    // Generated points for the fixed noise, and D's view of the plane scaled to [0, 1]: P(real) for a
    // logit, min-max over the grid for a critic's unbounded score.
    private static (float[] Fake, float[] Surface) Look(GanBase model, Tensor noise, Tensor grid)
    {
        using var _ = GradMode.NoGrad();
        var fake = model.Decode(noise).ToArray();
        var scores = model.Critic(grid, null);
        if (ToyGans.HasLogitOutput(model)) return (fake, scores.Sigmoid().ToArray());
        var s = scores.ToArray();
        float lo = s.Min(), hi = s.Max(), range = Math.Max(hi - lo, 1e-12f);
        for (int i = 0; i < s.Length; i++) s[i] = (s[i] - lo) / range;
        return (fake, s);
    }

    /// <summary>(x, y) pairs as the (N, 1, 1, 2) "images" the models take.</summary>
    private static Tensor Points(float[] xy, IBackend backend) => Tensor.FromArray(xy, [xy.Length / 2, 1, 1, 2], backend);

    private sealed class RunState
    {
        public readonly CollapseDetector Detector = new(new CollapseThresholds(WarmupSteps: 200));
        public readonly List<(int Step, ModeReport Report)> History = [];
        public readonly List<string> Warnings = [];
        public double Seconds;

        public void Warn(string warning, Action<string>? log, string model)
        {
            Warnings.Add(warning);
            log?.Invoke($"WARNING ({model}) {warning}");
        }
    }
}
