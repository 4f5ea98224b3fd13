namespace Scratchgen.Evaluation;

/// <summary>
/// The mean and covariance of a set of feature vectors, in double (what FID compares):
///   mean m = (1/N) sum_i f_i,   covariance S = (1/(N - 1)) sum_i (f_i - m)(f_i - m)^T,   f_i: (D).
/// Covariance is row-major D x D and symmetric.
/// </summary>
internal sealed class GaussianStats
{
    public GaussianStats(double[] mean, double[] covariance, int count)
    {
        if (mean.Length == 0 || covariance.Length != mean.Length * mean.Length)
            throw new ArgumentException($"a mean of {mean.Length} values needs a {mean.Length} x {mean.Length} covariance, got {covariance.Length} values");
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    public double[] Mean { get; }

    public double[] Covariance { get; }

    /// <summary>D: the feature size.</summary>
    public int Dim => Mean.Length;

    /// <summary>N: the vectors the statistics were computed from.</summary>
    public int Count { get; }

    /// <summary>Statistics of N row-major feature vectors of size D (at least two vectors).</summary>
    public static GaussianStats FromRows(ReadOnlySpan<float> features, int count, int dim)
    {
        if (dim < 1 || count < 2 || features.Length != (long)count * dim)
            throw new ArgumentException($"feature statistics need at least 2 vectors of size >= 1: got {features.Length} values for {count} x {dim}");
        var mean = new double[dim];
        for (int i = 0; i < count; i++)
            for (int j = 0; j < dim; j++) mean[j] += features[i * dim + j];
        for (int j = 0; j < dim; j++) mean[j] /= count;
        var cov = new double[dim * dim];
        var centred = new double[dim];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < dim; j++) centred[j] = features[i * dim + j] - mean[j];
            for (int a = 0; a < dim; a++)
            {
                double ca = centred[a];
                if (ca == 0) continue; // ReLU features are often exactly 0
                for (int b = a; b < dim; b++) cov[a * dim + b] += ca * centred[b];
            }
        }
        for (int a = 0; a < dim; a++)
            for (int b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b] /= count - 1;
        return new GaussianStats(mean, cov, count);
    }
}
