using System.Globalization;
using Scratchgen.Checkpoints;

namespace Scratchgen.Training;

/// <summary>A checkpoint file's string metadata, read as untrusted input: an entry that is missing or
/// is not what it should be is a <see cref="CheckpointFormatException"/> naming the file, the key and
/// what was expected, never a parsing exception from deep inside the loader.</summary>
internal sealed class CheckpointMetadata(SafeTensorsFile file)
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public string Path => file.Path;

    public string Text(string key) => file.Metadata.TryGetValue(key, out var v) ? v
        : throw Fail(key, "is missing (not a Scratchgen checkpoint?)");

    public string? Optional(string key) => file.Metadata.GetValueOrDefault(key);

    public string OneOf(string key, IEnumerable<string> allowed)
    {
        string value = Text(key);
        var choices = allowed.ToList();
        return choices.Contains(value) ? value : throw Fail(key, $"is '{Shorten(value)}': expected one of {string.Join(", ", choices)}");
    }

    public int Int(string key, int min, int max) => (int)Long(key, min, max);

    public long Long(string key, long min, long max)
    {
        string text = Text(key);
        return long.TryParse(text, NumberStyles.None, Ci, out long v) && v >= min && v <= max ? v
            : throw Fail(key, $"is '{Shorten(text)}': expected an integer from {min} to {max}");
    }

    public ulong ULong(string key)
    {
        string text = Text(key);
        return ulong.TryParse(text, NumberStyles.None, Ci, out ulong v) ? v : throw Fail(key, $"is '{Shorten(text)}': expected a non-negative integer");
    }

    /// <summary>Comma-separated integers, <paramref name="count"/> of them, each from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public int[] Ints(string key, int count, int min, int max)
    {
        string text = Text(key);
        var parts = text.Split(',');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (parts.Length != count || !int.TryParse(parts[i], NumberStyles.None, Ci, out values[i]) || values[i] < min || values[i] > max)
                throw Fail(key, $"is '{Shorten(text)}': expected {count} comma-separated integers from {min} to {max}");
        return values;
    }

    /// <summary>Comma-separated 64-bit words in hexadecimal, <paramref name="count"/> of them.</summary>
    public ulong[] HexWords(string key, int count)
    {
        string text = Text(key);
        var parts = text.Split(',');
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (parts.Length != count || !ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, Ci, out words[i]))
                throw Fail(key, $"is '{Shorten(text)}': expected {count} comma-separated hexadecimal words");
        return words;
    }

    public CheckpointFormatException Fail(string key, string problem, Exception? inner = null) => new(file.Path, null, $"metadata '{key}' {problem}", inner);

    public CheckpointFormatException Fail(string problem, Exception? inner = null) => new(file.Path, null, problem, inner);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
