using System.Net;
using System.Text;
using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using Scratchgen.Training;

namespace Scratchgen.Reporting;

/// <summary>
/// scratchgen report RUN_DIR: one static, self-contained HTML page about a run, readable offline: the
/// run's settings (checkpoint metadata and hash), per-epoch curves (inline SVG) and the metrics table
/// from metrics.jsonl, eval.json's values when the folder has one, and every PNG/GIF picture in the
/// folder inlined as a data: URI (files over <see cref="MaxInlineBytes"/> are linked relatively), each
/// with the provenance it carries. No script, no external resource.
/// Other JSON objects in the folder (detection.json, anomaly.json, compression.json, traversal.json) get a table
/// each, and each array of objects in them (compression.json's points, traversal.json's dimensions) a table of its own.
/// Elements tests and readers can find: table#run, table#metrics, table#eval (or p#eval-missing), table#json-NAME,
/// table#json-NAME-ARRAY, section#pictures.
/// </summary>
internal static class RunReport
{
    public const string FileName = "report.html", EvalFile = "eval.json";
    public const long MaxInlineBytes = 16L << 20;

    /// <summary>Writes the page (default RUN_DIR/report.html) and returns its path.</summary>
    public static string Write(string runDir, string? outPath = null)
    {
        if (!Directory.Exists(runDir)) throw new DirectoryNotFoundException($"RUN_DIR '{runDir}': no such folder");
        outPath ??= Path.Combine(runDir, FileName);
        string html = Render(runDir, Path.GetDirectoryName(Path.GetFullPath(outPath)) ?? ".");
        AtomicFile.Write(outPath, s => s.Write(Encoding.UTF8.GetBytes(html)));
        return outPath;
    }

    /// <summary>The page's HTML; <paramref name="pageDir"/> is where it will live (for relative links).</summary>
    public static string Render(string runDir, string pageDir)
    {
        var metrics = RunMetrics.Read(runDir);
        var pictures = Directory.GetFiles(runDir).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".gif")
            .OrderBy(f => Path.GetFileName(f) == "loss_curves.png" ? 0 : 1).ThenBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
        if (metrics == null && pictures.Count == 0)
            throw new InvalidDataException($"RUN_DIR '{runDir}': holds neither {RunMetrics.FileName} nor any PNG/GIF; is it a folder written by scratchgen train?");

        string name = Path.GetFileName(Path.GetFullPath(runDir).TrimEnd(Path.DirectorySeparatorChar));
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E($"Scratchgen run {name}")).Append("</title>");
        h.Append("<style>body{font-family:sans-serif;margin:1.5em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}" +
                 "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}" +
                 "figure{display:inline-block;margin:.5em;vertical-align:top}figcaption{font-size:.85em;color:#444;max-width:600px}" +
                 "img{image-rendering:pixelated;border:1px solid #ddd;max-width:100%}.charts svg{margin:.3em;border:1px solid #eee}.wide{overflow-x:auto}</style></head><body>");
        h.Append("<h1>").Append(E($"Scratchgen run: {name}")).Append("</h1>");
        RunTable(h, runDir);
        MetricsSection(h, metrics);
        EvalSection(h, runDir);
        PicturesSection(h, pictures, pageDir);
        h.Append("</body></html>\n");
        return h.ToString();
    }

    private static void RunTable(StringBuilder h, string runDir)
    {
        string checkpoint = Path.Combine(runDir, "checkpoint");
        string modelFile = Path.Combine(checkpoint, Checkpoint.ModelFile);
        h.Append("<h2>Run</h2>");
        if (!File.Exists(modelFile))
        {
            h.Append("<p id=\"run-missing\">No checkpoint/model.safetensors in this folder.</p>");
            return;
        }
        var file = SafeTensors.Read(modelFile);
        Checkpoint.ModelFrom(file); // a checkpoint that does not load is refused, not reported as the run's settings
        var meta = file.Metadata;
        h.Append("<table id=\"run\"><tr><th>setting</th><th>value</th></tr>");
        foreach (var key in new[] { "model", "architecture", "latent_dim", "image_shape", "classes", "seed", "epoch", "step" })
            if (meta.TryGetValue(key, out var v)) Row(h, key, v);
        Row(h, "checkpoint SHA-256", Checkpoint.ModelSha256(checkpoint));
        h.Append("</table>");
    }

    private static void MetricsSection(StringBuilder h, RunMetrics? metrics)
    {
        h.Append("<h2>Metrics per epoch</h2>");
        if (metrics == null || metrics.Rows.Count == 0)
        {
            h.Append("<p id=\"metrics-missing\">No metrics.jsonl in this folder.</p>");
            return;
        }
        // One chart per loss: its training mean and held-out value per epoch.
        var losses = metrics.Columns.Where(c => c.StartsWith("train.") || c.StartsWith("test."))
            .Select(c => c[(c.IndexOf('.') + 1)..]).Distinct().ToList();
        h.Append("<div class=\"charts\">");
        foreach (var loss in losses)
        {
            var series = new List<(string, IReadOnlyList<double>)>();
            foreach (var split in new[] { "train", "test" })
                if (metrics.Columns.Contains($"{split}.{loss}")) series.Add(($"{split}", metrics.Numbers($"{split}.{loss}")));
            h.Append(SvgLineChart.Render(loss, series));
        }
        h.Append("</div><div class=\"wide\"><table id=\"metrics\"><tr>");
        foreach (var c in metrics.Columns) h.Append("<th>").Append(E(c)).Append("</th>");
        h.Append("</tr>");
        foreach (var row in metrics.Rows)
        {
            h.Append("<tr>");
            foreach (var c in metrics.Columns) h.Append("<td>").Append(E(row.TryGetValue(c, out var v) ? RunMetrics.Display(v) : "")).Append("</td>");
            h.Append("</tr>");
        }
        h.Append("</table></div>");
    }

    // eval.json first (or a note that it is missing), then every other JSON object the run's commands
    // left in the folder (detection.json from detect, anomaly.json from anomaly), one table each.
    private static void EvalSection(StringBuilder h, string runDir)
    {
        h.Append("<h2>Evaluation</h2>");
        var values = RunMetrics.ReadObject(Path.Combine(runDir, EvalFile));
        if (values == null) h.Append("<p id=\"eval-missing\">No eval.json in this folder (<code>scratchgen eval</code> writes one).</p>");
        else ValuesTable(h, "eval", EvalFile, values);
        foreach (var file in Directory.GetFiles(runDir, "*.json").Order(StringComparer.Ordinal))
        {
            string fileName = Path.GetFileName(file);
            if (fileName == EvalFile) continue;
            try
            {
                var json = JsonTables.Read(file);
                string id = "json-" + Path.GetFileNameWithoutExtension(fileName);
                ValuesTable(h, id, fileName, json.Values);
                foreach (var (table, columns, rows) in json.Tables) RowsTable(h, $"{id}-{table}", $"{fileName}: {table}", columns, rows);
            }
            catch (InvalidDataException ex) { h.Append("<p>").Append(E($"{fileName} left out: {ex.Message}")).Append("</p>"); }
        }
    }

    private static void ValuesTable(StringBuilder h, string id, string fileName, IReadOnlyDictionary<string, string> values)
    {
        h.Append("<h3>").Append(E(fileName)).Append("</h3><table id=\"").Append(E(id)).Append("\"><tr><th>metric</th><th>value</th></tr>");
        foreach (var (k, v) in values) Row(h, k, RunMetrics.Display(v));
        h.Append("</table>");
    }

    // An array of objects in a JSON file (compression.json's points): one row per object.
    private static void RowsTable(StringBuilder h, string id, string caption, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        h.Append("<h3>").Append(E(caption)).Append("</h3><div class=\"wide\"><table id=\"").Append(E(id)).Append("\"><tr>");
        foreach (var c in columns) h.Append("<th>").Append(E(c)).Append("</th>");
        h.Append("</tr>");
        foreach (var row in rows)
        {
            h.Append("<tr>");
            foreach (var c in columns) h.Append("<td>").Append(E(row.TryGetValue(c, out var v) ? RunMetrics.Display(v) : "")).Append("</td>");
            h.Append("</tr>");
        }
        h.Append("</table></div>");
    }

    private static void PicturesSection(StringBuilder h, IReadOnlyList<string> pictures, string pageDir)
    {
        h.Append("<section id=\"pictures\"><h2>Pictures</h2>");
        if (pictures.Count == 0) h.Append("<p>No PNG or GIF pictures in this folder.</p>");
        foreach (var file in pictures)
        {
            string fileName = Path.GetFileName(file);
            string src = new FileInfo(file).Length <= MaxInlineBytes
                ? $"data:image/{(file.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) ? "gif" : "png")};base64,{Convert.ToBase64String(File.ReadAllBytes(file))}"
                : Uri.EscapeDataString(Path.GetRelativePath(pageDir, file)).Replace("%2F", "/");
            h.Append("<figure><img src=\"").Append(src).Append("\" alt=\"").Append(E(fileName)).Append("\" data-name=\"").Append(E(fileName)).Append("\">");
            h.Append("<figcaption><b>").Append(E(fileName)).Append("</b>").Append(E(Caption(file))).Append("</figcaption></figure>");
        }
        h.Append("</section>");
    }

    // "synthetic, epoch 3" from the picture's own provenance; nothing when it has none.
    private static string Caption(string file)
    {
        try
        {
            var p = ImageProvenance.Read(file);
            var parts = new List<string>();
            if (p.GetValueOrDefault(Provenance.SyntheticKey) == "true") parts.Add("synthetic");
            if (p.TryGetValue("Epoch", out var epoch)) parts.Add($"epoch {epoch}");
            return parts.Count > 0 ? " (" + string.Join(", ", parts) + ")" : "";
        }
        catch (Data.DataFormatException) { return " (unreadable metadata)"; }
    }

    private static void Row(StringBuilder h, string key, string value) =>
        h.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(value)).Append("</td></tr>");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
