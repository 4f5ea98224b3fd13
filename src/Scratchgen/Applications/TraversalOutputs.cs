using System.Text;
using System.Text.Json;

namespace Scratchgen.Applications;

/// <summary>What `scratchgen traverse` writes besides its picture: traversal.json, the summary figures
/// (beta, active dimensions, MIG, -ELBO) and one object per dimension in the picture's order.</summary>
internal static class TraversalOutputs
{
    public const string JsonFile = "traversal.json", PictureFile = "traversal.png";

    /// <summary>The JSON text; <paramref name="about"/> (checkpoint, data...) is written after the model's name.</summary>
    public static string ToJson(LatentSummary s, IReadOnlyDictionary<string, string> about)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", "vae");
            foreach (var (k, v) in about) w.WriteString(k, v);
            w.WriteNumber("beta", s.Beta);
            w.WriteNumber("test_images", s.Images);
            w.WriteNumber("latent_dim", s.Kl.Length);
            w.WriteNumber("active_threshold_nats", LatentTraversal.ActiveThreshold);
            w.WriteNumber("active_dims", s.Active);
            w.WriteNumber("mig_class", Math.Round(s.ClassInformation.Gap, 6));
            w.WriteNumber("best_dim_class_share", Math.Round(s.ClassInformation.BestShare, 6));
            w.WriteNumber("class_entropy_nats", Math.Round(s.ClassInformation.FactorEntropy, 6));
            w.WriteNumber("neg_elbo", Math.Round(s.NegElbo, 4));
            w.WriteNumber("reconstruction", Math.Round(s.Reconstruction, 4));
            w.WriteNumber("kl", Math.Round(s.KlTotal, 4));
            w.WriteStartArray("dimensions");
            foreach (int j in s.Order)
            {
                w.WriteStartObject();
                w.WriteNumber("dim", j);
                w.WriteNumber("kl", Math.Round(s.Kl[j], 6));
                w.WriteBoolean("active", s.Kl[j] > LatentTraversal.ActiveThreshold);
                w.WriteNumber("class_information_nats", Math.Round(s.ClassInformation.Information[j], 6));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
