namespace Scratchgen.Evaluation;

/// <summary>The mutual information of each code dimension with a discrete factor, and the gap between the two best.</summary>
/// <param name="Information">I(z_j; y) per dimension j, in nats.</param>
/// <param name="FactorEntropy">H(y) in nats: the most any dimension can know about y.</param>
/// <param name="Gap">MIG: (I_first - I_second) / H(y), the two largest I(z_j; y); in [0, 1].</param>
internal sealed record InformationGap(double[] Information, double FactorEntropy, double Gap)
{
    /// <summary>The largest I(z_j; y) / H(y): how much of the factor the single best dimension carries.</summary>
    public double BestShare => FactorEntropy > 0 ? Information.Max() / FactorEntropy : 0;

    /// <summary>The dimension with the largest I(z_j; y).</summary>
    public int BestDimension => Array.IndexOf(Information, Information.Max());
}

/// <summary>
/// The mutual information gap (MIG, Chen, Li, Grosse and Duvenaud, 2018) for one labelled factor, such as
/// a digit's class: a code is disentangled with respect to y when one dimension carries what the code knows
/// about y and the others little.
///   z_j discretised into B = 20 equal-width bins over its range on these codes (as disentanglement_lib does);
///   I(z_j; y) = sum_{b, y} p(b, y) ln(p(b, y) / (p(b) p(y))),   H(y) = -sum_y p(y) ln p(y)   (plug-in estimates);
///   MIG = (I_(1) - I_(2)) / H(y), the two largest I(z_j; y).
/// With one dimension the gap is I_(1) / H(y). A dimension that is constant on the codes knows nothing (I = 0).
/// </summary>
internal static class MutualInformationGap
{
    public const int DefaultBins = 20;

    /// <summary>codes: N x D row-major; labels: N classes in [0, classes).</summary>
    public static InformationGap Measure(ReadOnlySpan<float> codes, int dims, ReadOnlySpan<int> labels, int classes, int bins = DefaultBins)
    {
        int n = labels.Length;
        if (dims < 1 || n < 1 || codes.Length != (long)n * dims)
            throw new ArgumentException($"MIG needs N x D codes for N labels: got {codes.Length} values, {labels.Length} labels, D = {dims}");
        if (bins < 1 || classes < 1) throw new ArgumentException($"MIG needs at least one bin and one class, got {bins} bins and {classes} classes");
        var classCounts = new double[classes];
        foreach (int y in labels)
        {
            if ((uint)y >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(labels), y, $"a label is from 0 to {classes - 1}");
            classCounts[y]++;
        }
        double entropy = 0;
        foreach (double c in classCounts)
            if (c > 0) entropy -= c / n * Math.Log(c / n);

        var information = new double[dims];
        var joint = new double[bins * classes];
        var binCounts = new double[bins];
        for (int j = 0; j < dims; j++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                float z = codes[i * dims + j];
                if (!float.IsFinite(z)) throw new ArgumentException($"code {i}, dimension {j} is {z}: MIG needs finite codes");
                lo = Math.Min(lo, z);
                hi = Math.Max(hi, z);
            }
            if (hi == lo) continue;
            Array.Clear(joint);
            Array.Clear(binCounts);
            for (int i = 0; i < n; i++)
            {
                int b = Math.Min(bins - 1, (int)((codes[i * dims + j] - lo) / (hi - lo) * bins));
                joint[b * classes + labels[i]]++;
                binCounts[b]++;
            }
            double mi = 0;
            for (int b = 0; b < bins; b++)
                for (int y = 0; y < classes; y++)
                {
                    double count = joint[b * classes + y];
                    if (count > 0) mi += count / n * Math.Log(count * n / (binCounts[b] * classCounts[y]));
                }
            information[j] = Math.Max(0, mi);
        }
        var sorted = information.OrderDescending().ToArray();
        double gap = entropy <= 0 ? 0 : (sorted[0] - (dims > 1 ? sorted[1] : 0)) / entropy;
        return new InformationGap(information, entropy, gap);
    }
}
