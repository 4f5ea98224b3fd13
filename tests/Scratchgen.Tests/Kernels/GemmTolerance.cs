using Scratchgen.Diagnostics;

namespace Scratchgen.Tests.Kernels;

/// <summary>
/// The GEMM tests' tolerance, ParityCheck's rule for one float32 sum of k products:
///   |got - expected| &lt;= Atol + Rtol |expected| + sqrt(k) u sum_p |A[i,p] B[p,j]|
/// (an accumulated start value of C counts as one more term). A rule that grows with k faster than the
/// rounding does goes blind at large k; so every problem also runs the negative control below: the same
/// rule must reject a result from which one product of typical size is missing.
/// </summary>
internal static class GemmTolerance
{
    public static double Allowed(double expected, int terms, double magnitude) =>
        ParityCheck.Allowed(expected, ParityCheck.RoundingBound(terms, magnitude));

    public static bool Within(double got, double expected, double allowed) => Math.Abs(got - expected) <= allowed;

    /// <summary>The product nearest the mean magnitude of <paramref name="terms"/> (the products of one C element):
    /// what a kernel that skips one step of its k loop would leave out.</summary>
    public static double TypicalTerm(IReadOnlyList<double> terms)
    {
        double mean = terms.Average(Math.Abs);
        return terms.MinBy(t => Math.Abs(Math.Abs(t) - mean));
    }

    /// <summary>One C element against its products (float64): within <see cref="Allowed"/> of their sum.</summary>
    public static void AssertElement(float got, IReadOnlyList<double> terms, string where)
    {
        double want = terms.Sum(), allowed = Allowed(want, terms.Count, terms.Sum(Math.Abs));
        Assert.True(Within(got, want, allowed), $"{where} = {got}, want {want} (tolerance {allowed:G3})");
    }

    /// <summary>The negative control: the sum of <paramref name="terms"/> less its typical product must be
    /// outside the tolerance of the sum.</summary>
    public static void AssertSeesADroppedProduct(IReadOnlyList<double> terms, string where)
    {
        double want = terms.Sum(), allowed = Allowed(want, terms.Count, terms.Sum(Math.Abs)), dropped = TypicalTerm(terms);
        Assert.False(Within(want - dropped, want, allowed),
            $"{where}: a result missing one product ({dropped:G3}) is within the tolerance ({allowed:G3}): the check cannot see a dropped product at k = {terms.Count}");
    }
}
