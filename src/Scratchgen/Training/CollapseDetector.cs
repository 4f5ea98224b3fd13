namespace Scratchgen.Training;

/// <summary>When a <see cref="CollapseDetector"/> speaks up.</summary>
/// <param name="DiscriminatorLossFloor">D's loss (loss_d: BCE on real plus BCE on fake, log 4 = 1.39 at a standoff) counts as near zero below this.</param>
/// <param name="DiscriminatorPatience">Consecutive steps with D's loss near zero before warning.</param>
/// <param name="SpreadRatio">Samples count as collapsed when their mean pairwise distance is below this fraction of the data's.</param>
/// <param name="SpreadPatience">Consecutive collapsed spread checks before warning.</param>
/// <param name="WarmupSteps">No warning before this step (a fresh generator draws near-identical blobs).</param>
internal sealed record CollapseThresholds(
    double DiscriminatorLossFloor = 0.05, int DiscriminatorPatience = 100,
    double SpreadRatio = 0.2, int SpreadPatience = 2, long WarmupSteps = 200);

/// <summary>
/// Watches a GAN's training for the two classic failures and says so in words:
/// the discriminator wins outright (its loss stays near zero, so the generator's gradient vanishes), and
/// mode collapse (samples from a fixed set of latent codes bunch together: their mean pairwise distance
/// falls far below that of real data). Used by the image training loop and by the 2-D GAN lab.
/// Each warning is given once per episode: it re-arms when the condition clears.
/// </summary>
internal sealed class CollapseDetector(CollapseThresholds? thresholds = null)
{
    private readonly CollapseThresholds _t = thresholds ?? new CollapseThresholds();
    private int _lowLossSteps, _collapsedChecks;
    private bool _lossWarned, _spreadWarned;

    public CollapseThresholds Thresholds => _t;

    /// <summary>Feeds one step's losses; returns a warning the first time D's loss has stayed near zero
    /// for the patience. Models without a "loss_d" (WGAN's critic loss is not a probability) are ignored.</summary>
    public string? ObserveLosses(long step, IReadOnlyDictionary<string, double> losses)
    {
        if (!losses.TryGetValue("loss_d", out double lossD) || !double.IsFinite(lossD)) return null;
        if (lossD >= _t.DiscriminatorLossFloor)
        {
            _lowLossSteps = 0;
            _lossWarned = false;
            return null;
        }
        if (++_lowLossSteps < _t.DiscriminatorPatience || _lossWarned || step < _t.WarmupSteps) return null;
        _lossWarned = true;
        return $"step {step}: the discriminator's loss has stayed below {_t.DiscriminatorLossFloor} for {_lowLossSteps} steps (now {lossD:G3}): " +
               "D tells real from fake perfectly, so G's gradient vanishes. Try a lower D learning rate, label smoothing or WGAN-GP.";
    }

    /// <summary>Feeds one spread check: the mean pairwise distance of fixed-noise samples and of real data.
    /// Returns a warning the first time the samples have stayed collapsed for the patience.</summary>
    public string? ObserveSpread(long step, double sampleSpread, double dataSpread)
    {
        if (!(dataSpread > 0) || !double.IsFinite(sampleSpread)) return null;
        double ratio = sampleSpread / dataSpread;
        if (ratio >= _t.SpreadRatio)
        {
            _collapsedChecks = 0;
            _spreadWarned = false;
            return null;
        }
        if (++_collapsedChecks < _t.SpreadPatience || _spreadWarned || step < _t.WarmupSteps) return null;
        _spreadWarned = true;
        return $"step {step}: mode collapse: samples from fixed noise are {ratio:P0} as spread out as real data " +
               $"(mean pairwise distance {sampleSpread:G3} against {dataSpread:G3}) for {_collapsedChecks} checks in a row. " +
               "The generator is drawing (nearly) the same thing for every z.";
    }

    /// <summary>Mean Euclidean distance over all pairs of rows; rows: n x dim, row-major.</summary>
    public static double MeanPairwiseDistance(ReadOnlySpan<float> rows, int dim)
    {
        if (dim < 1 || rows.Length % dim != 0) throw new ArgumentException($"{rows.Length} numbers are not rows of {dim}");
        int n = rows.Length / dim;
        if (n < 2) return 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double d2 = 0;
                for (int k = 0; k < dim; k++)
                {
                    double d = rows[i * dim + k] - rows[j * dim + k];
                    d2 += d * d;
                }
                sum += Math.Sqrt(d2);
            }
        return sum / (n * (n - 1) / 2.0);
    }
}
