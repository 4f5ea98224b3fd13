using Scratchgen.Evaluation;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

/// <summary>The numerical pieces of evaluation, against answers worked out by hand.</summary>
public sealed class EvaluationMathTests
{
    private static double[] RandomSymmetric(int n, Rng rng)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.NextNormal();
        return a;
    }

    // B B^T + 0.1 I: symmetric positive definite.
    private static double[] RandomSpd(int n, Rng rng)
    {
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextNormal();
        var s = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double v = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++) v += b[i * n + k] * b[j * n + k];
                s[i * n + j] = v;
            }
        return s;
    }

    [Fact]
    public void SymmetricEigen_TwoByTwo_MatchesHandComputedValues()
    {
        // [[2, 1], [1, 2]]: det(A - l I) = (2 - l)^2 - 1 = 0 -> l = 3 (vector (1, 1)/sqrt 2) and l = 1 (vector (1, -1)/sqrt 2).
        var (values, vectors) = SymmetricEigen.Decompose([2, 1, 1, 2], 2);
        Assert.Equal(3, values[0], 12);
        Assert.Equal(1, values[1], 12);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(vectors[0]), 12);
        Assert.Equal(vectors[0], vectors[2], 12); // column 0 is (1, 1)/sqrt 2 up to sign
        Assert.Equal(vectors[1], -vectors[3], 12); // column 1 is (1, -1)/sqrt 2 up to sign
    }

    [Theory, InlineData(1), InlineData(5), InlineData(17), InlineData(40)]
    public void SymmetricEigen_Reconstructs_TheMatrix_WithOrthonormalVectors(int n)
    {
        var a = RandomSymmetric(n, new Rng((ulong)n));
        var (values, v) = SymmetricEigen.Decompose(a, n);
        for (int j = 1; j < n; j++) Assert.True(values[j - 1] >= values[j], "eigenvalues must be sorted descending");
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double reconstructed = 0, gram = 0;
                for (int k = 0; k < n; k++)
                {
                    reconstructed += v[i * n + k] * values[k] * v[j * n + k]; // (V diag(l) V^T)[i, j]
                    gram += v[k * n + i] * v[k * n + j];                       // (V^T V)[i, j]
                }
                Assert.True(Math.Abs(reconstructed - a[i * n + j]) < 1e-10, $"A[{i}, {j}] = {a[i * n + j]}, V L V^T gives {reconstructed}");
                Assert.True(Math.Abs(gram - (i == j ? 1 : 0)) < 1e-10, $"(V^T V)[{i}, {j}] = {gram}");
            }
    }

    [Fact]
    public void SymmetricEigen_RefusesAnAsymmetricMatrix()
    {
        var ex = Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1, 2, 3, 4], 2));
        Assert.Contains("not symmetric", ex.Message);
    }

    [Fact]
    public void SymmetricSqrt_Squared_GivesTheMatrixBack()
    {
        const int n = 12;
        var s = RandomSpd(n, new Rng(3));
        var root = SymmetricEigen.Sqrt(s, n);
        var squared = Fid.Multiply(root, root, n);
        for (int i = 0; i < s.Length; i++) Assert.True(Math.Abs(squared[i] - s[i]) < 1e-9, $"entry {i}: {squared[i]} vs {s[i]}");
    }

    [Fact]
    public void Fid_OfASetAgainstItself_IsZero()
    {
        var rng = new Rng(11);
        var features = new float[500 * 8];
        for (int i = 0; i < features.Length; i++) features[i] = (float)(rng.NextNormal() * (1 + i % 8));
        double fid = Fid.Compute(features, 500, features, 500, 8);
        Assert.True(fid < 1e-8, $"FID of a set with itself = {fid}");
    }

    [Fact]
    public void Fid_DiagonalGaussians_MatchesTheClosedForm()
    {
        // Diagonal covariances commute, so S1^(1/2) S2 S1^(1/2) = diag(s1_i^2 s2_i^2) and its square root
        // is diag(s1_i s2_i). FID = |m1 - m2|^2 + sum_i (s1_i^2 + s2_i^2 - 2 s1_i s2_i) = |m1 - m2|^2 + sum_i (s1_i - s2_i)^2.
        // m1 = (0, 1, 2), m2 = (1, 1, 0): |dm|^2 = 1 + 0 + 4 = 5. s1 = (1, 2, 3), s2 = (2, 2, 1): (1 + 0 + 4) = 5. FID = 10.
        var a = new GaussianStats([0, 1, 2], [1, 0, 0, 0, 4, 0, 0, 0, 9], 100);
        var b = new GaussianStats([1, 1, 0], [4, 0, 0, 0, 4, 0, 0, 0, 1], 100);
        Assert.Equal(10, Fid.Compute(a, b), 9);
        Assert.Equal(10, Fid.Compute(b, a), 9);
    }

    [Fact]
    public void Fid_FullCovariances_MatchTheClosedForms()
    {
        // One covariance S (not diagonal) on both sides: tr((S^(1/2) S S^(1/2))^(1/2)) = tr(S), so FID = |m1 - m2|^2.
        // S and c^2 S: tr((c^2 S^2)^(1/2)) = c tr(S), so FID = |dm|^2 + tr S + c^2 tr S - 2 c tr S = |dm|^2 + (1 - c)^2 tr S.
        const int n = 6;
        var s = RandomSpd(n, new Rng(7));
        double trace = Enumerable.Range(0, n).Sum(i => s[i * n + i]);
        var m1 = new double[n];
        var m2 = Enumerable.Range(0, n).Select(i => 0.5 * i).ToArray(); // |dm|^2 = 0.25 (0 + 1 + 4 + 9 + 16 + 25) = 13.75
        Assert.Equal(13.75, Fid.Compute(new GaussianStats(m1, s, 10), new GaussianStats(m2, s, 10)), 8);
        var scaled = s.Select(v => 9 * v).ToArray(); // c = 3
        Assert.Equal(13.75 + 4 * trace, Fid.Compute(new GaussianStats(m1, s, 10), new GaussianStats(m2, scaled, 10)), 7);
    }

    [Fact]
    public void Fid_OfSamples_ApproachesTheClosedForm_AndGrowsWithAShift()
    {
        // Samples of N(0, I) and N(mu, diag(4)) in 4-D: FID -> |mu|^2 + 4 (2 - 1)^2 = |mu|^2 + 4.
        const int n = 20000, d = 4;
        var rng = new Rng(5);
        var a = new float[n * d];
        var b = new float[n * d];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)rng.NextNormal();
            b[i] = (float)(1.5 + 2 * rng.NextNormal());
        }
        double expected = d * 1.5 * 1.5 + 4;
        double fid = Fid.Compute(a, n, b, n, d);
        Assert.True(Math.Abs(fid - expected) < 0.05 * expected, $"FID {fid}, closed form {expected}");
        Assert.True(fid > Fid.Compute(a, n, a.Select(v => v + 0.1f).ToArray(), n, d), "a larger shift must give a larger FID");
    }

    [Fact]
    public void GaussianStats_MatchAHandComputation()
    {
        // Rows (1, 2), (3, 2), (5, 8): mean (3, 4); deviations (-2, -2), (0, -2), (2, 4);
        // covariance / (N - 1 = 2): xx = (4 + 0 + 4)/2 = 4, xy = (4 + 0 + 8)/2 = 6, yy = (4 + 4 + 16)/2 = 12.
        var s = GaussianStats.FromRows([1, 2, 3, 2, 5, 8], 3, 2);
        Assert.Equal([3.0, 4.0], s.Mean);
        Assert.Equal([4.0, 6.0, 6.0, 12.0], s.Covariance);
    }

    [Fact]
    public void InceptionScore_OfUniformOneHotPredictions_IsTheClassCount()
    {
        // Each sample certain of its class, classes used equally: KL(onehot || uniform) = log C for every sample -> IS = C.
        const int classes = 10, n = 50;
        var p = new double[n * classes];
        for (int i = 0; i < n; i++) p[i * classes + i % classes] = 1;
        Assert.Equal(10, InceptionScore.Compute(p, n, classes), 10);
    }

    [Fact]
    public void InceptionScore_OfConstantPredictions_IsOne()
    {
        // p(y|x) = p(y) for every x: every KL is 0 -> IS = exp(0) = 1.
        const int classes = 4, n = 7;
        var p = new double[n * classes];
        for (int i = 0; i < n; i++) (p[i * classes], p[i * classes + 1], p[i * classes + 2], p[i * classes + 3]) = (0.1, 0.2, 0.3, 0.4);
        Assert.Equal(1, InceptionScore.Compute(p, n, classes), 12);
    }

    [Fact]
    public void ClassBalance_CountsCoverage_AndNamesTheLargestDeviation()
    {
        // 100 samples over 4 classes: 70, 27, 2, 1 -> threshold 1/16 = 6.25 %: classes 0 and 1 covered.
        // Reference labels balanced (25 % each): deviations +45, +2, -23, -24 points -> class 0 is the largest.
        int[] predicted = [.. Enumerable.Repeat(0, 70), .. Enumerable.Repeat(1, 27), 2, 2, 3];
        int[] reference = [.. Enumerable.Range(0, 40).Select(i => i % 4)];
        var b = ClassBalance.Measure(predicted, reference, 4);
        Assert.Equal(2, b.Covered);
        Assert.Equal(0, b.LargestDeviationClass);
        Assert.Equal(0.45, b.LargestDeviation, 12);
        Assert.Equal("digit 0: 70.0 % of samples vs 25.0 % of the data (+45.0 points)", b.DescribeLargestDeviation());
        Assert.Null(b.Agreement);
    }

    [Fact]
    public void ClassBalance_PerRequestedLabel_ReportsAgreement()
    {
        // Requested 0, 1, 0, 1, 0, 1; the classifier says 0, 1, 1, 1, 0, 0: label 0 agreed 2 of 3, label 1 agreed 2 of 3.
        var b = ClassBalance.Measure([0, 1, 1, 1, 0, 0], [0, 1], 2, requested: [0, 1, 0, 1, 0, 1]);
        Assert.Equal(4 / 6.0, b.Agreement!.Value, 12);
        Assert.Equal((3, 2 / 3.0), b.AgreementByLabel![0]);
        Assert.Equal(3, b.AgreementByLabel![1].Requested);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassBalance.Measure([0, 5], [0, 1], 2));
    }

    [Fact]
    public void Psnr_KnownAnswers()
    {
        // MSE 0.01 -> 10 log10(100) = 20 dB; MSE 0.0001 -> 40 dB.
        Assert.Equal(20, Psnr.Compute([0.1f, 0.1f], [0f, 0.2f]), 5);
        // Second image: MSE (0 + 0.01^2) / 2 = 0.00005 -> 43.0103 dB; the mean of 20 and 43.0103 is 31.5051.
        Assert.Equal(31.5051, Psnr.Mean([0.1f, 0.1f, 0.5f, 0.51f], [0f, 0.2f, 0.5f, 0.5f], 2), 3);
    }
}
