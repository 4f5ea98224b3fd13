using System.Globalization;
using System.Text.Json;

namespace Scratchgen.Reporting;

/// <summary>A run's metrics.jsonl as a table: one row per line (epoch), columns by dotted name in order of
/// first appearance ("epoch", "train.loss_g", "test.loss_g", "images_per_second"...). Nested objects are
/// flattened with dots; numbers stay numbers, anything else is kept as text.</summary>
internal sealed record RunMetrics(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows)
{
    public const string FileName = "metrics.jsonl";

    /// <summary>Reads RUN_DIR/metrics.jsonl; null when the run has none. A line that is not a JSON
    /// object is refused with the file and line number.</summary>
    public static RunMetrics? Read(string runDir)
    {
        string path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return null;
        var columns = new List<string>();
        var rows = new List<IReadOnlyDictionary<string, string>>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException ex) { throw new InvalidDataException($"{path}: line {lineNumber} is not JSON ({ex.Message})"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"{path}: line {lineNumber} is a JSON {doc.RootElement.ValueKind}, expected an object");
                var row = new Dictionary<string, string>();
                Flatten(doc.RootElement, "", row);
                foreach (var key in row.Keys) if (!columns.Contains(key)) columns.Add(key);
                rows.Add(row);
            }
        }
        return new RunMetrics(columns, rows);
    }

    /// <summary>Reads a flat JSON object (name -> number or string), such as eval.json; nested values are
    /// flattened with dots. Null when the file does not exist.</summary>
    public static IReadOnlyDictionary<string, string>? ReadObject(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: is a JSON {doc.RootElement.ValueKind}, expected an object of name -> value");
            var values = new Dictionary<string, string>();
            Flatten(doc.RootElement, "", values);
            return values;
        }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: not JSON ({ex.Message})"); }
    }

    /// <summary>The numeric values of a column, row by row (NaN where a row lacks it or holds text).</summary>
    public IReadOnlyList<double> Numbers(string column) => Rows.Select(r =>
        r.TryGetValue(column, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN).ToList();

    /// <summary>How a value is shown: numbers with at most 4 decimals (invariant culture), text as is.</summary>
    public static string Display(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d.ToString("0.####", CultureInfo.InvariantCulture) : value;

    /// <summary>Adds e's values to <paramref name="into"/> by dotted name (objects flattened, arrays kept as JSON text).</summary>
    internal static void Flatten(JsonElement e, string prefix, Dictionary<string, string> into)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject()) Flatten(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", into);
            return;
        }
        into[prefix] = e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText();
    }
}
