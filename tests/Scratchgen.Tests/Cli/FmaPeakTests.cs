using System.Runtime.Intrinsics.X86;
using Scratchgen.Cli.Benchmarks;

namespace Scratchgen.Tests.Cli;

/// <summary>
/// The FMA peak that `bench matmul` and `bench ladder` divide by is the higher of two measurements, one before
/// their timings and one after: a peak given as "before" that no machine reaches comes back unchanged, and one
/// of zero is replaced by the measurement after. The note under a table names the peak it compared with.
/// </summary>
public sealed class FmaPeakTests
{
    [SkippableFact]
    public void Bracketed_KeepsTheHigherOfThePeakBeforeAndThePeakAfter()
    {
        Skip.IfNot(Avx.IsSupported && Fma.IsSupported, "the FMA peak is timed with AVX2/FMA instructions, which this CPU lacks");
        Assert.Equal(1e6, FmaPeak.Bracketed(1e6, threads: 1));
        Assert.InRange(FmaPeak.Bracketed(0, threads: 1), 1, 1e5);
    }

    [Fact]
    public void PercentOfAndAbovePeakNote_NameTheRateAgainstThePeak()
    {
        Assert.Equal("50 %", FmaPeak.PercentOf(100, 200));
        Assert.Equal("135 %", FmaPeak.PercentOf(137.7, 102));
        Assert.Contains("102.0 GFLOPS", FmaPeak.AbovePeakNote(102));
    }
}
