using System.Text.Json;

namespace Scratchgen.Reporting;

/// <summary>
/// A JSON object written by a command, as the run report shows it: its values by dotted name (nested
/// objects flattened, as <see cref="RunMetrics.ReadObject"/> does), and each property that is an array of
/// objects (compression.json's points, traversal.json's dimensions) as a table of its own, one row per
/// object and one column per name, in order of first appearance.
/// </summary>
internal sealed record JsonTables(IReadOnlyDictionary<string, string> Values, IReadOnlyList<(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows)> Tables)
{
    /// <summary>Reads a JSON object file; one that is not JSON or not an object is refused naming the file.</summary>
    public static JsonTables Read(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path}: is a JSON {doc.RootElement.ValueKind}, expected an object of name -> value");
            var values = new Dictionary<string, string>();
            var tables = new List<(string, IReadOnlyList<string>, IReadOnlyList<IReadOnlyDictionary<string, string>>)>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() > 0 && p.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object))
                {
                    var columns = new List<string>();
                    var rows = new List<IReadOnlyDictionary<string, string>>();
                    foreach (var item in p.Value.EnumerateArray())
                    {
                        var row = new Dictionary<string, string>();
                        RunMetrics.Flatten(item, "", row);
                        foreach (var key in row.Keys) if (!columns.Contains(key)) columns.Add(key);
                        rows.Add(row);
                    }
                    tables.Add((p.Name, columns, rows));
                }
                else RunMetrics.Flatten(p.Value, p.Name, values);
            }
            return new JsonTables(values, tables);
        }
        catch (JsonException ex) { throw new InvalidDataException($"{path}: not JSON ({ex.Message})"); }
    }
}
