using Scratchgen.Evaluation;

namespace Scratchgen.Tests.Evaluation;

public sealed class MutualInformationGapTests
{
    [Fact]
    public void ADimensionThatIsTheLabel_KnowsAllOfIt_AndAConstantOneNothing()
    {
        // 10 classes, 30 images each: z0 = the label (each in a bin of its own), z1 = 5 for all.
        int n = 300;
        var labels = Enumerable.Range(0, n).Select(i => i % 10).ToArray();
        var codes = new float[n * 2];
        for (int i = 0; i < n; i++) (codes[2 * i], codes[2 * i + 1]) = (labels[i], 5f);
        var gap = MutualInformationGap.Measure(codes, 2, labels, 10);
        Assert.Equal(Math.Log(10), gap.FactorEntropy, 12);
        Assert.Equal(Math.Log(10), gap.Information[0], 12);
        Assert.Equal(0, gap.Information[1]);
        Assert.Equal(1, gap.Gap, 12);
        Assert.Equal(0, gap.BestDimension);
    }

    [Fact]
    public void TwoDimensionsThatBothKnowTheLabel_LeaveNoGap()
    {
        var labels = Enumerable.Range(0, 40).Select(i => i % 4).ToArray();
        var codes = labels.SelectMany(y => new[] { (float)y, -2f * y }).ToArray();
        var gap = MutualInformationGap.Measure(codes, 2, labels, 4);
        Assert.Equal(Math.Log(4), gap.Information[0], 12);
        Assert.Equal(Math.Log(4), gap.Information[1], 12);
        Assert.Equal(0, gap.Gap, 12);
    }

    [Fact]
    public void APartlyInformativeDimension_MatchesTheHandComputedInformation()
    {
        // Four images: (z, y) = (0, 0), (0, 0), (1, 1), (1, 0). With 2 bins z splits them into {0, 0} and {1, 0}.
        // I = H(y) - H(y | z) = H(3/4, 1/4) - (1/2 * 0 + 1/2 * ln 2).
        int[] labels = [0, 0, 1, 0];
        float[] codes = [0, 0, 1, 1];
        double hy = -(0.75 * Math.Log(0.75) + 0.25 * Math.Log(0.25));
        var gap = MutualInformationGap.Measure(codes, 1, labels, 2, bins: 2);
        Assert.Equal(hy, gap.FactorEntropy, 12);
        Assert.Equal(hy - 0.5 * Math.Log(2), gap.Information[0], 12);
        Assert.Equal((hy - 0.5 * Math.Log(2)) / hy, gap.Gap, 12); // one dimension: the gap is its share
    }

    [Fact]
    public void MismatchedCodesAndLabels_AreRefused()
    {
        Assert.Throws<ArgumentException>(() => MutualInformationGap.Measure(new float[5], 2, [0, 1], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => MutualInformationGap.Measure(new float[4], 2, [0, 3], 2));
    }
}
