namespace Scratchgen.Evaluation;

/// <summary>
/// Inception-Score analogue (Salimans et al., 2016) with <see cref="DigitClassifier"/>'s predictions:
///   IS = exp( (1/N) sum_i KL( p(y | x_i) || p(y) ) ),   p(y) = (1/N) sum_i p(y | x_i),
/// with 0 log 0 = 0. It lies in [1, C]: C when every sample is classified with certainty and the
/// classes are used equally often, 1 when every sample gets the same prediction. One split over all
/// samples (papers often average 10 splits). Comparable only between runs with the same classifier.
/// </summary>
public static class InceptionScore
{
    /// <summary>exp(mean KL(p(y|x) || p(y))) over the N samples: from 1 (all alike or all unsure) up to C (confident and evenly spread over the classes).</summary>
    /// <param name="probabilities">N x C class probabilities, row-major (each row sums to 1).</param>
    /// <param name="count">N, the number of samples.</param>
    /// <param name="classes">C, the number of classes.</param>
    public static double Compute(ReadOnlySpan<double> probabilities, int count, int classes)
    {
        if (count < 1 || classes < 1 || probabilities.Length != (long)count * classes)
            throw new ArgumentException($"inception score needs N x C probabilities: got {probabilities.Length} values for {count} x {classes}");
        var marginal = new double[classes];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < classes; c++) marginal[c] += probabilities[i * classes + c];
        for (int c = 0; c < classes; c++) marginal[c] /= count;
        double klSum = 0;
        for (int i = 0; i < count; i++)
            for (int c = 0; c < classes; c++)
            {
                double p = probabilities[i * classes + c];
                if (p > 0) klSum += p * (Math.Log(p) - Math.Log(marginal[c]));
            }
        return Math.Exp(klSum / count);
    }
}
