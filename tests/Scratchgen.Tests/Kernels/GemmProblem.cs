using System.Runtime.InteropServices;

namespace Scratchgen.Tests.Kernels;

/// <summary>
/// One GEMM test problem in native memory, C (m x n) (+)= op(A) (m x k) op(B) (k x n): A and B views whose
/// padding (lda, ldb beyond the view) holds NaN, so a kernel that reads outside the view poisons its result;
/// C's padding holds a sentinel that must survive; and a float64 triple-loop oracle with the tolerance of
/// <see cref="GemmTolerance"/>.
/// </summary>
internal sealed unsafe class GemmProblem : IDisposable
{
    internal delegate void GemmFn(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB, float* c, int ldc, bool accumulate);

    private const float Sentinel = 12345f;
    private readonly int _m, _n, _k, _lda, _ldb, _ldc;
    private readonly bool _transA, _transB, _accumulate;
    private readonly float* _a, _b, _c0, _c;
    private readonly long _aLen, _bLen, _cLen;
    private readonly double[] _expected, _allowed;

    internal GemmProblem(int m, int n, int k, bool transA, bool transB, int pad, bool accumulate, int seed)
    {
        (_m, _n, _k, _transA, _transB, _accumulate) = (m, n, k, transA, transB, accumulate);
        _lda = (transA ? m : k) + pad;
        _ldb = (transB ? k : n) + pad;
        _ldc = n + pad;
        _aLen = (long)(transA ? k : m) * _lda;
        _bLen = (long)(transB ? n : k) * _ldb;
        _cLen = (long)m * _ldc;
        var rng = new Random(seed);
        _a = Fill(_aLen, _lda, transA ? m : k, rng, float.NaN);
        _b = Fill(_bLen, _ldb, transB ? k : n, rng, float.NaN);
        _c0 = Fill(_cLen, _ldc, n, rng, Sentinel);
        _c = (float*)NativeMemory.Alloc((nuint)Math.Max(1, _cLen), sizeof(float));
        (_expected, _allowed) = Oracle();
    }

    private string Where => $"m={_m} n={_n} k={_k} transA={_transA} transB={_transB} lda={_lda} ldb={_ldb} ldc={_ldc} accumulate={_accumulate}";

    private float A(int i, int p) => _transA ? _a[(long)p * _lda + i] : _a[(long)i * _lda + p];
    private float B(int p, int j) => _transB ? _b[(long)j * _ldb + p] : _b[(long)p * _ldb + j];
    private double C0(int i, int j) => _accumulate ? _c0[(long)i * _ldc + j] : 0;

    /// <summary>The k products that make C[i, j], in float64 (each exact: a float32 product fits in a double).</summary>
    private double[] Terms(int i, int j)
    {
        var terms = new double[_k];
        for (int p = 0; p < _k; p++) terms[p] = (double)A(i, p) * B(p, j);
        return terms;
    }

    private (double[] Expected, double[] Allowed) Oracle()
    {
        var expected = new double[_m * _n];
        var allowed = new double[_m * _n];
        for (int i = 0; i < _m; i++)
            for (int j = 0; j < _n; j++)
            {
                double sum = C0(i, j), magnitude = Math.Abs(C0(i, j));
                for (int p = 0; p < _k; p++)
                {
                    double t = (double)A(i, p) * B(p, j);
                    sum += t;
                    magnitude += Math.Abs(t);
                }
                expected[i * _n + j] = sum;
                allowed[i * _n + j] = GemmTolerance.Allowed(sum, _k + (_accumulate ? 1 : 0), magnitude);
            }
        return (expected, allowed);
    }

    /// <summary>C after <paramref name="fn"/> ran on the problem (padding included), from the same start value each time.</summary>
    internal float[] Run(GemmFn fn)
    {
        Buffer.MemoryCopy(_c0, _c, _cLen * sizeof(float), _cLen * sizeof(float));
        fn(_m, _n, _k, _a, _lda, _transA, _b, _ldb, _transB, _c, _ldc, _accumulate);
        return new ReadOnlySpan<float>(_c, (int)_cLen).ToArray();
    }

    /// <summary>Fails with the first element outside the tolerance, or the first padding element written.</summary>
    internal void Check(string variant, float[] got)
    {
        string? miss = FirstMiss(got);
        Assert.True(miss == null, $"{variant} {Where}: {miss}");
    }

    private string? FirstMiss(float[] got)
    {
        for (int i = 0; i < _m; i++)
            for (int j = 0; j < _ldc; j++)
            {
                float g = got[(long)i * _ldc + j];
                if (j >= _n)
                {
                    if (g != Sentinel) return $"wrote into C padding at ({i},{j}): {g}";
                    continue;
                }
                double e = _expected[i * _n + j];
                if (!GemmTolerance.Within(g, e, _allowed[i * _n + j]))
                    return $"first mismatch at ({i},{j}): got {g}, expected {e} (tolerance {_allowed[i * _n + j]:G3})";
            }
        return null;
    }

    /// <summary>The check's controls on this problem: the oracle's own result, rounded to float32, passes; the same
    /// with one product of typical size missing from the last element (an edge tile at awkward sizes) fails.</summary>
    internal void CheckSeesADroppedProduct()
    {
        Assert.True(_m > 0 && _n > 0 && _k > 0, $"{Where}: no product to drop");
        var exact = new float[_cLen];
        for (long x = 0; x < _cLen; x++)
            exact[x] = x % _ldc < _n ? (float)_expected[x / _ldc * _n + x % _ldc] : Sentinel;
        Assert.True(FirstMiss(exact) == null, $"{Where}: the oracle's result rounded to float32 fails the check: {FirstMiss(exact)}");

        int i = _m - 1, j = _n - 1;
        var dropped = (float[])exact.Clone();
        dropped[(long)i * _ldc + j] = (float)(_expected[i * _n + j] - GemmTolerance.TypicalTerm(Terms(i, j)));
        Assert.True(FirstMiss(dropped) != null, $"{Where}: a result missing one product of C[{i},{j}] passes the check");
    }

    // rows x ld floats; the first `cols` of each row uniform in [-1, 1], the rest `padValue`.
    private static float* Fill(long length, int ld, int cols, Random rng, float padValue)
    {
        float* p = (float*)NativeMemory.Alloc((nuint)Math.Max(1, length), sizeof(float));
        for (long x = 0; x < length; x++)
            p[x] = x % ld < cols ? (float)(rng.NextDouble() * 2 - 1) : padValue;
        return p;
    }

    public void Dispose()
    {
        NativeMemory.Free(_a);
        NativeMemory.Free(_b);
        NativeMemory.Free(_c0);
        NativeMemory.Free(_c);
    }
}
