using System.Text;
using System.Text.Json;

namespace Scratchgen.Evaluation;

/// <summary>The metrics of one evaluation in the order they were measured: each a number or a string,
/// written as one flat JSON object (name -> value) that the run report shows.</summary>
internal sealed class EvaluationReport
{
    private readonly List<KeyValuePair<string, object>> _metrics = [];

    public IReadOnlyList<KeyValuePair<string, object>> Metrics => _metrics;

    /// <summary>The bias report of the generated samples, when the model generates and the classifier applies.</summary>
    public ClassBalance? Balance { get; set; }

    /// <summary>Lines for the reader (what was skipped and why).</summary>
    public List<string> Notes { get; } = [];

    public void Add(string name, double value) => Set(name, value);

    public void Add(string name, string value) => Set(name, value);

    public object this[string name] => _metrics.First(kv => kv.Key == name).Value;

    public bool Contains(string name) => _metrics.Any(kv => kv.Key == name);

    /// <summary>The metrics as one flat JSON object; a non-finite number is written as a string ("NaN", "Infinity").</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var (name, value) in _metrics)
            {
                if (value is double d && double.IsFinite(d)) w.WriteNumber(name, Math.Round(d, 6));
                else if (value is double nonFinite) w.WriteString(name, nonFinite.ToString(System.Globalization.CultureInfo.InvariantCulture));
                else w.WriteString(name, (string)value);
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/> to a file (atomically: a half-written eval.json never shows).</summary>
    public void WriteJson(string path) => Checkpoints.AtomicFile.Write(path, s => s.Write(Encoding.UTF8.GetBytes(ToJson() + "\n")));

    private void Set(string name, object value)
    {
        int i = _metrics.FindIndex(kv => kv.Key == name);
        if (i >= 0) _metrics[i] = new(name, value);
        else _metrics.Add(new(name, value));
    }
}
