using System.Globalization;

namespace Scratchgen.Data;

/// <summary>Everything a <see cref="BatchIterator"/> needs to continue exactly where it was: the epoch,
/// the position in that epoch's permutation, the permutation itself and the state of its Rng.
/// <see cref="ToMetadata"/>/<see cref="FromMetadata"/> turn it into strings for a checkpoint header.</summary>
/// <param name="Epoch">The epoch, from 0.</param>
/// <param name="Position">The index into the permutation of the next image.</param>
/// <param name="Permutation">This epoch's order of the dataset's images.</param>
/// <param name="RngState">The shuffling Rng's state (<see cref="Scratchgen.Tensors.Rng.GetState"/>).</param>
public sealed record BatchIteratorState(int Epoch, int Position, int[] Permutation, ulong[] RngState)
{
    /// <summary>String key/values (keys start with <paramref name="prefix"/>), e.g. for safetensors metadata.</summary>
    public Dictionary<string, string> ToMetadata(string prefix = "data.")
    {
        var ci = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>
        {
            [prefix + "epoch"] = Epoch.ToString(ci),
            [prefix + "position"] = Position.ToString(ci),
            [prefix + "permutation"] = string.Join(',', Permutation.Select(p => p.ToString(ci))),
            [prefix + "rng"] = string.Join(',', RngState.Select(w => w.ToString("x16", ci))),
        };
    }

    /// <summary>Parses what <see cref="ToMetadata"/> wrote; a missing or malformed entry throws
    /// <see cref="FormatException"/> naming the key.</summary>
    public static BatchIteratorState FromMetadata(IReadOnlyDictionary<string, string> metadata, string prefix = "data.")
    {
        string Get(string key) => metadata.TryGetValue(prefix + key, out var v) ? v : throw new FormatException($"metadata has no '{prefix + key}' entry");
        int ParseInt(string key, string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new FormatException($"metadata '{prefix + key}': '{Truncate(text)}' is not an integer");
        var perm = Get("permutation");
        var rng = Get("rng");
        return new BatchIteratorState(
            ParseInt("epoch", Get("epoch")),
            ParseInt("position", Get("position")),
            perm.Length == 0 ? [] : perm.Split(',').Select(p => ParseInt("permutation", p)).ToArray(),
            rng.Split(',').Select(w => ulong.TryParse(w, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong u)
                ? u : throw new FormatException($"metadata '{prefix}rng': '{Truncate(w)}' is not a hex word")).ToArray());
    }

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "...";
}
