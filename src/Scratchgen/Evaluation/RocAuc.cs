namespace Scratchgen.Evaluation;

/// <summary>
/// Area under the ROC curve from scores and binary labels, by the Mann-Whitney U statistic:
///   AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg)
/// where R_pos is the sum of the ranks (1-based, ascending score) of the positives and tied scores
/// share the average of their ranks. It equals P(score of a random positive > score of a random
/// negative) + P(tie) / 2: 1 when every positive outscores every negative, 0 when the order is
/// reversed, 0.5 for scores that say nothing. O(n log n).
/// </summary>
internal static class RocAuc
{
    /// <param name="scores">Higher means "more likely positive".</param>
    /// <param name="positive">True for the positive class, one per score.</param>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        if (scores.Count != positive.Count)
            throw new ArgumentException($"ROC AUC: {scores.Count} scores but {positive.Count} labels; they must pair up");
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"ROC AUC: score {i} is NaN");
        long nPos = positive.Count(p => p), nNeg = positive.Count - nPos;
        if (nPos == 0 || nNeg == 0)
            throw new ArgumentException($"ROC AUC needs both classes: got {nPos} positives and {nNeg} negatives");

        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPositives = 0;
        for (int start = 0; start < order.Length;)
        {
            int end = start; // [start, end) is one run of tied scores
            while (end < order.Length && scores[order[end]] == scores[order[start]]) end++;
            double averageRank = (start + 1 + end) / 2.0; // mean of the 1-based ranks start+1 .. end
            for (int k = start; k < end; k++)
                if (positive[order[k]]) rankSumPositives += averageRank;
            start = end;
        }
        return (rankSumPositives - nPos * (nPos + 1) / 2.0) / ((double)nPos * nNeg);
    }
}
