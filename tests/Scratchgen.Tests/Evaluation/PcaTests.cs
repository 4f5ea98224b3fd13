using Scratchgen.Evaluation;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

public sealed class PcaTests
{
    private static float[] Correlated(int n, int d, Rng rng)
    {
        // x = A g with g ~ N(0, I): a full-rank covariance A A^T with distinct eigenvalues.
        var a = new double[d * d];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextNormal() * (1 + i % d);
        var x = new float[n * d];
        var g = new double[d];
        for (int s = 0; s < n; s++)
        {
            for (int k = 0; k < d; k++) g[k] = rng.NextNormal();
            for (int i = 0; i < d; i++)
            {
                double v = 3; // a mean offset PCA must remove
                for (int k = 0; k < d; k++) v += a[i * d + k] * g[k];
                x[s * d + i] = (float)v;
            }
        }
        return x;
    }

    [Fact]
    public void Pca_WithFullRank_ReconstructsExactly()
    {
        const int n = 40, d = 6;
        var x = Correlated(n, d, new Rng(1));
        var pca = Pca.Fit(x, n, d, d, new Rng(2));
        var back = pca.Reconstruct(x, n);
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(back[i] - x[i]) < 1e-4 * (1 + Math.Abs(x[i])), $"value {i}: {back[i]} vs {x[i]}");
    }

    [Fact]
    public void Pca_LeadingComponents_AreTheCovariancesTopEigenvectors()
    {
        const int n = 300, d = 12, l = 3;
        var x = Correlated(n, d, new Rng(4));
        var pca = Pca.Fit(x, n, d, l, new Rng(5));
        var (values, vectors) = SymmetricEigen.Decompose(GaussianStats.FromRows(x, n, d).Covariance, d);
        for (int j = 0; j < l; j++)
        {
            double dot = 0;
            for (int i = 0; i < d; i++) dot += pca.Components[j * d + i] * vectors[i * d + j];
            Assert.True(Math.Abs(Math.Abs(dot) - 1) < 1e-6, $"component {j}: |cos| with the eigenvector = {Math.Abs(dot)}");
            Assert.Equal(values[j], pca.Variances[j], 6);
        }
        // Eckart-Young: the squared error per vector equals the variance left in the discarded directions, times (N - 1) / N.
        double mse = Scratchgen.Evaluation.ModelEvaluation.Mse(pca.Reconstruct(x, n), x);
        double expected = values.Skip(l).Sum() * (n - 1) / n / d;
        Assert.True(Math.Abs(mse - expected) < 1e-4 * expected, $"MSE {mse}, discarded variance gives {expected}");
    }

    [Fact]
    public void Pca_SurvivesConstantDimensions()
    {
        // Half the coordinates are always 0 (like MNIST's border pixels): the covariance is singular.
        const int n = 50, d = 8;
        var rng = new Rng(9);
        var x = new float[n * d];
        for (int s = 0; s < n; s++)
            for (int i = 0; i < d; i += 2) x[s * d + i] = (float)rng.NextNormal();
        var pca = Pca.Fit(x, n, d, d, new Rng(3));
        var back = pca.Reconstruct(x, n);
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(back[i] - x[i]) < 1e-4, $"value {i}: {back[i]} vs {x[i]}");
    }
}
