namespace Scratchgen.Tests.Support;

/// <summary>Tolerant comparison of arrays: |a - e| &lt;= atol + rtol |e|, failing with the first
/// mismatching index and both values.</summary>
public static class Close
{
    public static void Assert(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double atol, double rtol, string what)
    {
        Xunit.Assert.True(expected.Count == actual.Count, $"{what}: expected {expected.Count} values, got {actual.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = Math.Abs(a - e) <= atol + rtol * Math.Abs(e) || (double.IsNaN(e) && double.IsNaN(a)) || e == a;
            Xunit.Assert.True(ok, $"{what}: first mismatch at index {i}: expected {e:G9}, got {a:G9} (atol {atol}, rtol {rtol})");
        }
    }

    public static void Assert(IReadOnlyList<float> expected, IReadOnlyList<float> actual, double atol, double rtol, string what) =>
        Assert(expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray(), atol, rtol, what);
}
