using Scratchgen.Autograd;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// The image training loop's use of <see cref="CollapseDetector"/> for GANs: every step's losses, and
/// every <see cref="SpreadCheckEvery"/> steps the mean pairwise distance of 64 samples from fixed noise
/// against that of the first real batch (both in the model's pixel range, as flat vectors).
/// </summary>
internal sealed class GanWatch(GanBase model, ulong seed)
{
    public const int SpreadCheckEvery = 100, Samples = 64;

    // Images: every GAN's first few hundred steps draw near-identical blobs (measured: the MLP GAN at
    // batch 8 is at 10 % of the data's spread at step 200), so wait longer than the 2-D lab does.
    private readonly CollapseDetector _detector = new(new CollapseThresholds(WarmupSteps: 1000, SpreadPatience: 3));
    private readonly Tensor _noise = model.SampleLatent(Samples, new Rng(seed + 505));
    // A conditional GAN draws every class in turn: one class alone is less spread than the data.
    private readonly int[]? _labels = model.IsConditional ? Enumerable.Range(0, Samples).Select(i => i % model.Options.Classes).ToArray() : null;
    private double _dataSpread = double.NaN;

    /// <summary>Warnings raised by this step (usually none).</summary>
    public IEnumerable<string> Observe(long step, Tensor realBatch, IReadOnlyDictionary<string, double> losses)
    {
        if (double.IsNaN(_dataSpread) && realBatch.Dims[0] >= 2)
            _dataSpread = CollapseDetector.MeanPairwiseDistance(realBatch.ToArray(), realBatch.Numel / realBatch.Dims[0]);
        if (_detector.ObserveLosses(step, losses) is string lossWarning) yield return lossWarning;
        if (step % SpreadCheckEvery != 0 || double.IsNaN(_dataSpread)) yield break;
        float[] samples;
        bool training = model.Training;
        model.Eval(); // batch norm with running statistics, as when sampling
        using (GradMode.NoGrad()) samples = model.Decode(_noise, _labels).ToArray();
        model.Train(training);
        if (_detector.ObserveSpread(step, CollapseDetector.MeanPairwiseDistance(samples, samples.Length / Samples), _dataSpread) is string spreadWarning)
            yield return spreadWarning;
    }
}
