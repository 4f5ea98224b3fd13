namespace Scratchgen.Imaging;

/// <summary>What every picture we write says about itself: "Software: Scratchgen", "Synthetic: true"
/// when it shows generated (not real) images, and caller key/values such as model, checkpoint hash and
/// seed. Written as PNG tEXt chunks or GIF comments; <see cref="ImageProvenance.Read(string)"/> reads it back.</summary>
/// <param name="Synthetic">True when the picture shows generated images.</param>
/// <param name="Extra">Further key/values (model, checkpoint hash, seed); null for none.</param>
public sealed record Provenance(bool Synthetic, IReadOnlyDictionary<string, string>? Extra = null)
{
    /// <summary>The key that names the software that wrote the picture.</summary>
    public const string SoftwareKey = "Software";
    /// <summary>The key that says whether the picture shows generated images ("true") or real ones ("false").</summary>
    public const string SyntheticKey = "Synthetic";

    /// <summary>Pictures of real data (originals, charts): nothing generated.</summary>
    public static Provenance Real(IReadOnlyDictionary<string, string>? extra = null) => new(false, extra);

    /// <summary>Pictures of generated images.</summary>
    public static Provenance Generated(IReadOnlyDictionary<string, string>? extra = null) => new(true, extra);

    /// <summary>The key/values in the order they are written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries()
    {
        var list = new List<KeyValuePair<string, string>> { new(SoftwareKey, "Scratchgen") };
        if (Synthetic) list.Add(new(SyntheticKey, "true"));
        if (Extra != null)
            foreach (var kv in Extra.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (kv.Key is SoftwareKey or SyntheticKey) throw new ArgumentException($"provenance key '{kv.Key}' is reserved");
                if (kv.Key.Length is 0 or > 79 || kv.Key.Any(c => c < 0x20 || c > 0x7E || c == ':'))
                    throw new ArgumentException($"provenance key '{kv.Key}' must be 1-79 printable ASCII characters without ':' (a PNG keyword)");
                list.Add(kv);
            }
        return list;
    }
}
