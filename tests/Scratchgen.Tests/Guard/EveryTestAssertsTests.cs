using System.Reflection;

namespace Scratchgen.Tests.Guard;

/// <summary>
/// The guard that keeps the suite honest: no test method may return without having asserted something on
/// every path (AssertionFlow reads each test's IL). A case that cannot run here must say so with a skip
/// (Skip.If, a skipping attribute), not return early; a check that only runs on some inputs must not be
/// the test's only check. The guard's own negative controls are the samples below: each weak shape of
/// test is flagged, and each sound one is not.
/// </summary>
public sealed class EveryTestAssertsTests
{
    private static IReadOnlyList<MethodInfo> TestMethods() =>
        typeof(EveryTestAssertsTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttributes(typeof(FactAttribute), inherit: true).Length > 0)
            .ToList();

    [Fact]
    public void EveryTestMethod_AssertsOnEveryPathThatReturns()
    {
        var tests = TestMethods();
        Assert.True(tests.Count > 250, $"found only {tests.Count} test methods: the scan no longer sees the suite");
        var flow = new AssertionFlow(typeof(EveryTestAssertsTests).Assembly);
        var offenders = tests
            .Select(m => (Name: $"{m.DeclaringType!.Name}.{m.Name}", Why: flow.UncheckedExit(m)))
            .Where(t => t.Why != null)
            .Select(t => $"{t.Name}: {t.Why}")
            .ToList();
        Assert.True(offenders.Count == 0, $"{offenders.Count} test methods can finish without asserting anything:\n" + string.Join("\n", offenders));
    }

    [Theory]
    [InlineData(nameof(Samples.AssertsNothing), true)]
    [InlineData(nameof(Samples.ReturnsEarly), true)]
    [InlineData(nameof(Samples.ContinuesPastItsOnlyAssertion), true)]
    [InlineData(nameof(Samples.AssertsOnlySometimes), true)]
    [InlineData(nameof(Samples.CallsAHelperThatMayNotAssert), true)]
    [InlineData(nameof(Samples.SkipsAndOtherwiseDoesNothing), true)]
    [InlineData(nameof(Samples.Asserts), false)]
    [InlineData(nameof(Samples.FailsOnlyWhenWrong), false)]
    [InlineData(nameof(Samples.AssertsInALoop), false)]
    [InlineData(nameof(Samples.AssertsThroughAHelper), false)]
    [InlineData(nameof(Samples.SkipsOrAsserts), false)]
    [InlineData(nameof(Samples.AssertsInEitherArm), false)]
    public void TheGuard_FlagsTheWeakShapesOfTest_AndPassesTheSoundOnes(string sample, bool flagged)
    {
        var method = typeof(Samples).GetMethod(sample, BindingFlags.Public | BindingFlags.Static)!;
        string? why = new AssertionFlow(typeof(EveryTestAssertsTests).Assembly).UncheckedExit(method);
        Assert.True((why != null) == flagged, $"{sample}: {why ?? "passes the guard"}");
    }

    /// <summary>Shapes of test bodies (not tests themselves).</summary>
    public static class Samples
    {
        public static void AssertsNothing() => GC.KeepAlive(new object());

        public static void ReturnsEarly(bool unavailable)
        {
            if (unavailable) return;
            Assert.True(Environment.ProcessorCount > 0);
        }

        public static void ContinuesPastItsOnlyAssertion(int[] values)
        {
            foreach (int v in values)
            {
                if (v > 0) continue;
                Assert.Equal(0, v);
            }
        }

        public static void AssertsOnlySometimes(bool supported)
        {
            GC.KeepAlive(new object());
            if (supported) Assert.True(supported);
        }

        public static void CallsAHelperThatMayNotAssert(bool supported) => AssertsOnlySometimes(supported);

        public static void SkipsAndOtherwiseDoesNothing(bool unavailable) => Skip.If(unavailable, "not here");

        public static void Asserts() => Assert.Equal(4, 2 + 2);

        public static void FailsOnlyWhenWrong(double got)
        {
            if (!(Math.Abs(got - 1) <= 1e-6)) Assert.Fail($"got {got}");
        }

        public static void AssertsInALoop(int[] values)
        {
            foreach (int v in values) Assert.True(v >= 0);
        }

        public static void AssertsThroughAHelper() => FailsOnlyWhenWrong(1);

        public static void SkipsOrAsserts(bool unavailable)
        {
            Skip.If(unavailable, "not here");
            Assert.True(Environment.ProcessorCount > 0);
        }

        public static void AssertsInEitherArm(bool collapsed)
        {
            if (collapsed) Assert.Contains("collapse", "mode collapse");
            else Assert.Empty(Array.Empty<string>());
        }
    }
}
