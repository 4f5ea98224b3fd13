using System.Globalization;

namespace Scratchgen.Evaluation;

/// <summary>
/// The bias report of generated samples: which classes the evaluation classifier sees in them, beside
/// the data set's own label balance.
///   share_c = (samples predicted as c) / N,     reference_c = (data images labelled c) / N_data
///   coverage = #{c : share_c >= threshold},     threshold = a quarter of the fair share, 1 / (4 C)
///   largest deviation = argmax_c |share_c - reference_c| (in percentage points)
/// For a conditional generator, agreement_l = share of the samples requested as l that the classifier
/// also calls l: how often the model draws the digit it was asked for.
/// </summary>
internal sealed class ClassBalance
{
    private ClassBalance(int[] counts, double[] reference, IReadOnlyList<string> names)
    {
        Counts = counts;
        int n = counts.Sum();
        Shares = counts.Select(c => n == 0 ? 0 : c / (double)n).ToArray();
        ReferenceShares = reference;
        ClassNames = names;
        Threshold = 1.0 / (4 * counts.Length);
        Covered = Shares.Count(s => s >= Threshold);
        LargestDeviationClass = Enumerable.Range(0, counts.Length).MaxBy(c => Math.Abs(Shares[c] - ReferenceShares[c]));
    }

    /// <summary>Samples predicted as each class.</summary>
    public int[] Counts { get; }

    public double[] Shares { get; }

    /// <summary>Each class's share of the data set's labels.</summary>
    public double[] ReferenceShares { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The share a class needs to count as covered: 1 / (4 C).</summary>
    public double Threshold { get; }

    /// <summary>Classes with at least <see cref="Threshold"/> of the samples.</summary>
    public int Covered { get; }

    public int ClassCount => Counts.Length;

    public int LargestDeviationClass { get; }

    /// <summary>share - reference of the class that deviates most (positive: over-represented).</summary>
    public double LargestDeviation => Shares[LargestDeviationClass] - ReferenceShares[LargestDeviationClass];

    /// <summary>Per requested label: (samples requested, share the classifier agrees with); null for unconditional samples.</summary>
    public (int Requested, double Agreement)[]? AgreementByLabel { get; private init; }

    /// <summary>Share of all conditional samples whose prediction equals the requested label.</summary>
    public double? Agreement { get; private init; }

    /// <summary>"digit 1: 18.2 % of samples vs 11.3 % of the data (+6.9 points)".</summary>
    public string DescribeLargestDeviation()
    {
        int c = LargestDeviationClass;
        var ci = CultureInfo.InvariantCulture;
        return string.Format(ci, "{0}: {1:F1} % of samples vs {2:F1} % of the data ({3:+0.0;-0.0} points)",
            ClassNames[c], 100 * Shares[c], 100 * ReferenceShares[c], 100 * LargestDeviation);
    }

    /// <param name="predicted">The classifier's class for each sample.</param>
    /// <param name="referenceLabels">The data set's labels (its balance is the reference).</param>
    /// <param name="requested">For conditional samples: the label each was generated for.</param>
    /// <param name="classNames">Names for messages (default "digit 0", "digit 1", ...).</param>
    public static ClassBalance Measure(ReadOnlySpan<int> predicted, ReadOnlySpan<int> referenceLabels, int classes,
        ReadOnlySpan<int> requested = default, IReadOnlyList<string>? classNames = null)
    {
        if (classes < 1) throw new ArgumentException($"class count must be positive, got {classes}");
        if (predicted.Length == 0) throw new ArgumentException("the class balance needs at least one sample");
        if (referenceLabels.Length == 0) throw new ArgumentException("the class balance needs reference labels");
        if (!requested.IsEmpty && requested.Length != predicted.Length)
            throw new ArgumentException($"{requested.Length} requested labels for {predicted.Length} samples: the counts must agree");
        var counts = Histogram(predicted, classes, "predicted class");
        var referenceCounts = Histogram(referenceLabels, classes, "reference label");
        int referenceTotal = referenceLabels.Length;
        var reference = referenceCounts.Select(c => c / (double)referenceTotal).ToArray();
        var names = classNames ?? Enumerable.Range(0, classes).Select(c => $"digit {c}").ToArray();
        if (names.Count != classes) throw new ArgumentException($"{names.Count} class names for {classes} classes");
        if (requested.IsEmpty) return new ClassBalance(counts, reference, names);

        var asked = Histogram(requested, classes, "requested label");
        var agreed = new int[classes];
        for (int i = 0; i < predicted.Length; i++)
            if (predicted[i] == requested[i]) agreed[requested[i]]++;
        return new ClassBalance(counts, reference, names)
        {
            AgreementByLabel = Enumerable.Range(0, classes).Select(c => (asked[c], asked[c] == 0 ? double.NaN : agreed[c] / (double)asked[c])).ToArray(),
            Agreement = agreed.Sum() / (double)predicted.Length,
        };
    }

    private static int[] Histogram(ReadOnlySpan<int> values, int classes, string what)
    {
        var counts = new int[classes];
        foreach (int v in values)
        {
            if ((uint)v >= (uint)classes) throw new ArgumentOutOfRangeException(nameof(values), v, $"{what} {v} is outside [0, {classes})");
            counts[v]++;
        }
        return counts;
    }
}
