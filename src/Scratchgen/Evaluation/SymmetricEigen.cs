namespace Scratchgen.Evaluation;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method, in double:
///   A = V diag(lambda) V^T,   V orthogonal (columns are eigenvectors), lambda sorted descending.
/// Each rotation J(p, q, theta) zeroes A[p, q] of A' = J^T A J; a sweep visits every p &lt; q once and
/// the off-diagonal mass falls quadratically once it is small (Golub and Van Loan, section 8.5).
/// With t = tan(theta) the root of t^2 + 2 t zeta - 1 = 0 of smaller magnitude,
///   zeta = (A[q, q] - A[p, p]) / (2 A[p, q]),  t = sign(zeta) / (|zeta| + sqrt(zeta^2 + 1)),
///   c = 1 / sqrt(t^2 + 1),  s = t c.
/// O(n^3) per sweep: meant for the small matrices of evaluation (feature covariances of 84 x 84,
/// Rayleigh-Ritz blocks), not for 784 x 784 covariances (see <see cref="Pca"/> for those).
/// </summary>
internal static class SymmetricEigen
{
    public const int MaxSweeps = 100;

    /// <summary>Eigenvalues (descending) and eigenvectors (column j of the n x n row-major
    /// <c>Vectors</c> belongs to <c>Values[j]</c>) of the symmetric n x n row-major matrix a.</summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> a, int n)
    {
        if (n < 1 || a.Length != n * n) throw new ArgumentException($"expected an n x n matrix with n >= 1, got {a.Length} values for n = {n}");
        var m = a.ToArray();
        double scale = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                if (!double.IsFinite(m[i * n + j])) throw new ArgumentException($"matrix entry [{i}, {j}] is {m[i * n + j]}: the eigen-decomposition needs finite values");
                if (Math.Abs(m[i * n + j] - m[j * n + i]) > 1e-9 * (Math.Abs(m[i * n + j]) + Math.Abs(m[j * n + i]) + 1e-300))
                    throw new ArgumentException($"matrix is not symmetric: [{i}, {j}] = {m[i * n + j]} but [{j}, {i}] = {m[j * n + i]}");
                scale += m[i * n + j] * m[i * n + j];
            }
        var v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;

        double tolerance = 1e-28 * Math.Max(scale, 1e-300); // off-diagonal norm ~1e-14 of the whole: double rounding level
        for (int sweep = 0; sweep < MaxSweeps && OffDiagonal(m, n) > tolerance; sweep++)
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                    Rotate(m, v, n, p, q);

        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = m[i * n + i];
        var order = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ToArray();
        var sortedValues = new double[n];
        var sortedVectors = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            sortedValues[j] = values[order[j]];
            for (int i = 0; i < n; i++) sortedVectors[i * n + j] = v[i * n + order[j]];
        }
        return (sortedValues, sortedVectors);
    }

    /// <summary>The symmetric square root V diag(sqrt(max(lambda, 0))) V^T of a symmetric positive
    /// semi-definite matrix (tiny negative eigenvalues from rounding are treated as 0).</summary>
    public static double[] Sqrt(ReadOnlySpan<double> a, int n)
    {
        var (values, vectors) = Decompose(a, n);
        var result = new double[n * n];
        for (int k = 0; k < n; k++)
        {
            double root = Math.Sqrt(Math.Max(values[k], 0));
            if (root == 0) continue;
            for (int i = 0; i < n; i++)
            {
                double vik = vectors[i * n + k] * root;
                for (int j = 0; j < n; j++) result[i * n + j] += vik * vectors[j * n + k];
            }
        }
        return result;
    }

    // Sum of squares of the entries above the diagonal (the matrix stays symmetric).
    private static double OffDiagonal(double[] m, int n)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) sum += m[i * n + j] * m[i * n + j];
        return sum;
    }

    // A <- J^T A J and V <- V J for the rotation in the (p, q) plane that zeroes A[p, q].
    private static void Rotate(double[] m, double[] v, int n, int p, int q)
    {
        double apq = m[p * n + q];
        if (apq == 0) return;
        double zeta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        double t = Math.Sign(zeta == 0 ? 1 : zeta) / (Math.Abs(zeta) + Math.Sqrt(zeta * zeta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; k++) // columns p and q: A J
        {
            double akp = m[k * n + p], akq = m[k * n + q];
            m[k * n + p] = c * akp - s * akq;
            m[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) // rows p and q: J^T (A J)
        {
            double apk = m[p * n + k], aqk = m[q * n + k];
            m[p * n + k] = c * apk - s * aqk;
            m[q * n + k] = s * apk + c * aqk;
        }
        m[p * n + q] = m[q * n + p] = 0; // exactly zero by construction; remove the rounding residue
        for (int k = 0; k < n; k++)
        {
            double vkp = v[k * n + p], vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
        }
    }
}
