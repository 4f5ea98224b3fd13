namespace Scratchgen.Evaluation;

/// <summary>
/// Fréchet distance between two Gaussians fitted to feature vectors (Heusel et al., 2017; "FID" with
/// Inception features, here with the penultimate features of <see cref="DigitClassifier"/>):
///   FID = |m1 - m2|^2 + tr(S1) + tr(S2) - 2 tr( (S1^(1/2) S2 S1^(1/2))^(1/2) ).
/// S1^(1/2) S2 S1^(1/2) is symmetric positive semi-definite and has the same eigenvalues as S1 S2, so
/// the last trace is the sum of the square roots of its eigenvalues: two symmetric eigen-decompositions
/// (<see cref="SymmetricEigen"/>), no general matrix square root. All in double.
/// Values are comparable only between runs that use the same classifier and sample counts (the
/// estimate is biased upwards for small N), never with Inception-based FIDs from papers.
/// </summary>
internal static class Fid
{
    public static double Compute(GaussianStats a, GaussianStats b)
    {
        if (a.Dim != b.Dim) throw new ArgumentException($"FID needs features of one size: {a.Dim} and {b.Dim}");
        int n = a.Dim;
        double meanTerm = 0;
        for (int i = 0; i < n; i++) meanTerm += (a.Mean[i] - b.Mean[i]) * (a.Mean[i] - b.Mean[i]);
        double traceA = 0, traceB = 0;
        for (int i = 0; i < n; i++)
        {
            traceA += a.Covariance[i * n + i];
            traceB += b.Covariance[i * n + i];
        }
        var rootA = SymmetricEigen.Sqrt(a.Covariance, n);
        var product = Symmetrize(Multiply(Multiply(rootA, b.Covariance, n), rootA, n), n);
        var (values, _) = SymmetricEigen.Decompose(product, n);
        double traceRoot = values.Sum(v => Math.Sqrt(Math.Max(v, 0)));
        // The Fréchet distance is a squared distance (>= 0): a tiny negative is rounding.
        return Math.Max(0, meanTerm + traceA + traceB - 2 * traceRoot);
    }

    /// <summary>FID between two sets of feature rows (N1 x D and N2 x D, row-major).</summary>
    public static double Compute(ReadOnlySpan<float> featuresA, int countA, ReadOnlySpan<float> featuresB, int countB, int dim) =>
        Compute(GaussianStats.FromRows(featuresA, countA, dim), GaussianStats.FromRows(featuresB, countB, dim));

    // C = A B for n x n row-major matrices.
    internal static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double aik = a[i * n + k];
                if (aik == 0) continue;
                for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
            }
        return c;
    }

    // (M + M^T) / 2: removes the rounding asymmetry of a product that is symmetric in exact arithmetic.
    private static double[] Symmetrize(double[] m, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) m[i * n + j] = m[j * n + i] = 0.5 * (m[i * n + j] + m[j * n + i]);
        return m;
    }
}
