using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>
/// Principal component analysis, the linear baseline for an autoencoder with an L-dimensional code:
///   m = mean of the rows x_i (D),  C = (1/(N - 1)) sum_i (x_i - m)(x_i - m)^T  (D x D),
///   W = the L leading eigenvectors of C (rows of an L x D matrix),  x_hat = m + W^T W (x - m).
/// Among all rank-L affine reconstructions it has the least squared error (Eckart-Young).
/// The leading eigenvectors come from subspace (block power) iteration in double: Q (D x P), P = L + 10
/// oversampled columns, Q &lt;- orthonormalise(C Q), with a Rayleigh-Ritz step (the small P x P matrix
/// Q^T C Q decomposed by <see cref="SymmetricEigen"/>) to rotate Q onto the eigenvectors and to test
/// convergence. A column that C Q makes (numerically) zero, as for constant pixels, is replaced by a
/// fresh random direction, so Q always spans P dimensions: with L = D it is a full basis and the
/// reconstruction is exact.
/// </summary>
internal sealed class Pca
{
    private Pca(double[] mean, double[] components, double[] variances)
    {
        Mean = mean;
        Components = components;
        Variances = variances;
    }

    /// <summary>m (D).</summary>
    public double[] Mean { get; }

    /// <summary>W: L x D row-major, orthonormal rows, leading direction first.</summary>
    public double[] Components { get; }

    /// <summary>The eigenvalues of C that belong to the components (variance along each).</summary>
    public double[] Variances { get; }

    public int Dim => Mean.Length;

    public int ComponentCount => Variances.Length;

    /// <summary>Fits L components to N row-major vectors of size D.</summary>
    public static Pca Fit(ReadOnlySpan<float> rows, int count, int dim, int components, Rng rng, int maxIterations = 300, double tolerance = 1e-9)
    {
        if (dim < 1 || count < 2 || rows.Length != (long)count * dim)
            throw new ArgumentException($"PCA needs at least 2 vectors of size >= 1: got {rows.Length} values for {count} x {dim}");
        if (components < 1 || components > dim) throw new ArgumentOutOfRangeException(nameof(components), components, $"PCA components must be in [1, {dim}]");
        var stats = GaussianStats.FromRows(rows, count, dim);
        var c = stats.Covariance;
        int p = Math.Min(dim, components + 10);
        var q = new double[dim * p]; // D x P row-major
        for (int i = 0; i < q.Length; i++) q[i] = rng.NextNormal();
        Orthonormalise(q, dim, p, rng);
        double[] ritz = new double[p], previous = new double[p];
        for (int iteration = 1; iteration <= maxIterations; iteration++)
        {
            q = Multiply(c, q, dim, p);
            Orthonormalise(q, dim, p, rng);
            if (iteration % 10 != 0 && iteration != maxIterations) continue;
            (q, ritz) = RayleighRitz(c, q, dim, p);
            double change = 0, scale = Math.Max(Math.Abs(ritz[0]), 1e-300);
            for (int j = 0; j < components; j++) change = Math.Max(change, Math.Abs(ritz[j] - previous[j]) / scale);
            if (change < tolerance) break;
            Array.Copy(ritz, previous, p);
        }
        (q, ritz) = RayleighRitz(c, q, dim, p);
        var w = new double[components * dim];
        for (int j = 0; j < components; j++)
            for (int d = 0; d < dim; d++) w[j * dim + d] = q[d * p + j];
        return new Pca(stats.Mean, w, ritz[..components]);
    }

    /// <summary>x_hat = m + W^T W (x - m) for N row-major vectors.</summary>
    public float[] Reconstruct(ReadOnlySpan<float> rows, int count) => FromCodes(Project(rows, count), count);

    /// <summary>The codes W (x - m) of N row-major vectors: N x L, row-major.</summary>
    public float[] Project(ReadOnlySpan<float> rows, int count)
    {
        int dim = Dim, l = ComponentCount;
        if (rows.Length != (long)count * dim) throw new ArgumentException($"expected {count} vectors of {dim} values, got {rows.Length} values");
        var codes = new float[count * l];
        for (int i = 0; i < count; i++)
        {
            var x = rows.Slice(i * dim, dim);
            for (int j = 0; j < l; j++)
            {
                double s = 0;
                for (int d = 0; d < dim; d++) s += Components[j * dim + d] * (x[d] - Mean[d]);
                codes[i * l + j] = (float)s;
            }
        }
        return codes;
    }

    /// <summary>The vectors m + W^T c of N codes c (N x L, row-major).</summary>
    public float[] FromCodes(ReadOnlySpan<float> codes, int count)
    {
        int dim = Dim, l = ComponentCount;
        if (codes.Length != (long)count * l) throw new ArgumentException($"expected {count} codes of {l} values, got {codes.Length} values");
        var result = new float[count * dim];
        for (int i = 0; i < count; i++)
        {
            var code = codes.Slice(i * l, l);
            for (int d = 0; d < dim; d++)
            {
                double v = Mean[d];
                for (int j = 0; j < l; j++) v += Components[j * dim + d] * code[j];
                result[i * dim + d] = (float)v;
            }
        }
        return result;
    }

    // C Q for C (D x D) and Q (D x P), both row-major.
    private static double[] Multiply(double[] c, double[] q, int dim, int p)
    {
        var result = new double[dim * p];
        Parallel.For(0, dim, i =>
        {
            var row = result.AsSpan(i * p, p);
            for (int k = 0; k < dim; k++)
            {
                double cik = c[i * dim + k];
                if (cik == 0) continue;
                var qk = q.AsSpan(k * p, p);
                for (int j = 0; j < p; j++) row[j] += cik * qk[j];
            }
        });
        return result;
    }

    // Modified Gram-Schmidt on the columns of Q (D x P), twice for accuracy; a column with (numerically)
    // nothing left after projection is replaced by a random one and orthonormalised again.
    private static void Orthonormalise(double[] q, int dim, int p, Rng rng)
    {
        for (int j = 0; j < p; j++)
        {
            double original = ColumnNorm(q, dim, p, j);
            for (int attempt = 0; ; attempt++)
            {
                for (int pass = 0; pass < 2; pass++)
                    for (int k = 0; k < j; k++)
                    {
                        double dot = 0;
                        for (int d = 0; d < dim; d++) dot += q[d * p + k] * q[d * p + j];
                        for (int d = 0; d < dim; d++) q[d * p + j] -= dot * q[d * p + k];
                    }
                double norm = ColumnNorm(q, dim, p, j);
                if (norm > 1e-10 * Math.Max(original, 1e-300) && norm > 1e-300)
                {
                    for (int d = 0; d < dim; d++) q[d * p + j] /= norm;
                    break;
                }
                if (attempt > 10) throw new InvalidOperationException($"PCA: could not find {p} independent directions in {dim} dimensions");
                for (int d = 0; d < dim; d++) q[d * p + j] = rng.NextNormal();
                original = ColumnNorm(q, dim, p, j);
            }
        }
    }

    private static double ColumnNorm(double[] q, int dim, int p, int j)
    {
        double s = 0;
        for (int d = 0; d < dim; d++) s += q[d * p + j] * q[d * p + j];
        return Math.Sqrt(s);
    }

    // B = Q^T C Q (P x P) = U diag(theta) U^T; returns (Q U, theta) with theta descending.
    private static (double[] Q, double[] Values) RayleighRitz(double[] c, double[] q, int dim, int p)
    {
        var cq = Multiply(c, q, dim, p);
        var b = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = i; j < p; j++)
            {
                double s = 0;
                for (int d = 0; d < dim; d++) s += q[d * p + i] * cq[d * p + j];
                b[i * p + j] = s;
            }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++) b[i * p + j] = b[j * p + i];
        var (values, u) = SymmetricEigen.Decompose(b, p);
        var rotated = new double[dim * p];
        for (int d = 0; d < dim; d++)
            for (int k = 0; k < p; k++)
            {
                double qdk = q[d * p + k];
                for (int j = 0; j < p; j++) rotated[d * p + j] += qdk * u[k * p + j];
            }
        return (rotated, values);
    }
}
