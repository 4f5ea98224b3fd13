using Scratchgen.Evaluation;

namespace Scratchgen.Tests.Evaluation;

public sealed class RocAucTests
{
    [Fact]
    public void PerfectSeparation_IsOne() =>
        Assert.Equal(1.0, RocAuc.Compute([0.1, 0.2, 0.3, 0.8, 0.9], [false, false, false, true, true]));

    [Fact]
    public void ReversedOrder_IsZero() =>
        Assert.Equal(0.0, RocAuc.Compute([0.1, 0.2, 0.3, 0.8, 0.9], [true, true, false, false, false]));

    [Fact]
    public void AllTied_IsOneHalf() =>
        Assert.Equal(0.5, RocAuc.Compute([0.4, 0.4, 0.4, 0.4], [true, false, true, false]));

    [Fact]
    public void SmallCase_MatchesHandCount()
    {
        // Positives 0.35, 0.8, 0.5; negatives 0.1, 0.4, 0.5, 0.7. Pairs (pos, neg) won: 0.35 beats 0.1 (1);
        // 0.8 beats all four (4); 0.5 beats 0.1 and 0.4 and ties 0.5 (2 + 0.5). Total 7.5 of 3 x 4 = 12.
        double auc = RocAuc.Compute([0.1, 0.35, 0.4, 0.8, 0.5, 0.7, 0.5], [false, true, false, true, true, false, false]);
        Assert.Equal(7.5 / 12, auc, 12);
    }

    [Fact]
    public void OneClassOnly_IsRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => RocAuc.Compute([0.1, 0.2], [true, true]));
        Assert.Contains("both classes", ex.Message);
    }
}
