namespace Scratchgen.Cli;

/// <summary>"Did you mean": the known name nearest to a mistyped one.</summary>
internal static class Suggestions
{
    /// <summary>The candidate within a few edits of <paramref name="given"/> (about one edit per three
    /// characters, at least one), or that it is a prefix of or extends; null when none is that close.</summary>
    public static string? Nearest(string given, IEnumerable<string> candidates)
    {
        string g = given.ToLowerInvariant();
        return candidates
            .Select(c => (Name: c, Distance: Distance(g, c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(1, g.TrimStart('-').Length / 3) || IsPrefix(g, c.Name.ToLowerInvariant()))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => c.Name).FirstOrDefault();
    }

    private static bool IsPrefix(string a, string b) =>
        a.TrimStart('-').Length >= 3 && b.TrimStart('-').Length >= 3 && (a.StartsWith(b, StringComparison.Ordinal) || b.StartsWith(a, StringComparison.Ordinal));

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
