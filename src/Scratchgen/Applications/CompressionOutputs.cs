using System.Text;
using System.Text.Json;
using Scratchgen.Imaging;

namespace Scratchgen.Applications;

/// <summary>What `scratchgen compress` writes: compression.json (the settings, the decoders' sizes and one
/// object per point) and compression.png (PSNR against bytes per image, a log axis, one curve per method;
/// lossless PNG, which has no finite PSNR, as a vertical line at its size).</summary>
internal static class CompressionOutputs
{
    public const string JsonFile = "compression.json", ChartFile = "compression.png";

    /// <summary>How the quantiser's ranges are chosen, as the JSON states it.</summary>
    public const string QuantiserDescription = "uniform, b bits per value, per-dimension range [min, max] of the training split's codes, cell centres";

    /// <summary>The JSON text; <paramref name="about"/> (checkpoint, data...) is written after the model's name.
    /// A non-finite number (lossless PSNR) is written as a string, "Infinity".</summary>
    public static string ToJson(CompressionResult r, IReadOnlyDictionary<string, string> about)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("model", r.Model);
            foreach (var (k, v) in about) w.WriteString(k, v);
            w.WriteNumber("latent_dim", r.LatentDim);
            w.WriteNumber("test_images", r.Images);
            w.WriteNumber("fit_images", r.FitImages);
            w.WriteString("quantiser", QuantiserDescription);
            w.WriteNumber("decoder_bytes", r.DecoderBytes);
            w.WriteNumber("pca_bytes", r.PcaBytes);
            w.WriteNumber("quantiser_bytes", r.QuantiserBytes);
            w.WriteStartArray("points");
            foreach (var p in r.Points)
            {
                w.WriteStartObject();
                w.WriteString("method", p.Method);
                w.WriteString("setting", p.Setting);
                if (p.BitsPerValue is int bits) w.WriteNumber("bits_per_value", bits);
                Number(w, "bytes_per_image", p.BytesPerImage);
                Number(w, "payload_bytes_per_image", p.PayloadBytesPerImage);
                Number(w, "model_bytes_per_image", p.ModelBytesPerImage);
                Number(w, "psnr", p.Psnr);
                Number(w, "ssim", p.Ssim);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, Math.Round(value, 4));
        else w.WriteString(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The rate-distortion chart: one curve per method (the model's and PCA's codes by bits per
    /// value, JPEG's whole files and its scan data alone by quality), PNG's lossless size as a vertical line.</summary>
    public static Raster Chart(CompressionResult r)
    {
        XySeries Curve(string name, string method, Func<CompressionPoint, double> bytes) =>
            new(name, r.Points.Where(p => p.Method == method).OrderBy(bytes).Select(p => (bytes(p), p.Psnr)).ToList());
        var series = new List<XySeries>
        {
            Curve($"{r.Model} code", r.Model, p => p.BytesPerImage),
            Curve("pca code", "pca", p => p.BytesPerImage),
            Curve("jpeg file", "jpeg", p => p.BytesPerImage),
            Curve("jpeg scan data only", "jpeg", p => p.PayloadBytesPerImage),
        }.Where(s => s.Points.Count > 0).ToList();
        var verticals = r.Points.Where(p => p.Method == "png").Select(p => ($"png file (lossless)", p.BytesPerImage)).ToList();
        return XyChart.Render(series, $"{r.Model}, {r.LatentDim}-d code, vs pca and jpeg: {r.Images} held-out images",
            "bytes per image (log scale)", "mean psnr (db)", logX: true, verticals: verticals);
    }
}
