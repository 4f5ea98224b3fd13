using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scratchgen.Lab;

/// <summary>One change as the log keeps it: after how many steps it took effect, what, and when on the wall clock.</summary>
/// <param name="Step">Steps done when the change took effect (it applies from the next step on; a reset sets the count back to 0).</param>
/// <param name="Field">The knob (<see cref="LabControl.Fields"/>).</param>
/// <param name="Value">Its new value, canonical.</param>
/// <param name="Seconds">Seconds since the session started.</param>
internal sealed record LabLogEntry(long Step, string Field, string Value, double Seconds);

/// <summary>
/// What was changed when, so that a class can replay a session (<c>lab serve --replay log.json</c>): the
/// settings it started with (batch size, seed and every knob), then every change in order. Replaying applies each change when the
/// step count reaches its step, in order; since the engine is deterministic on one machine, the replay
/// trains the same networks. Loading validates every entry as a control message from the page would be.
/// </summary>
internal sealed class LabChangeLog
{
    /// <summary>The format's name, written into every log.</summary>
    public const string Format = "scratchgen-lab-log/1";

    private readonly List<LabLogEntry> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>Starts an empty log for a session that starts with these settings.</summary>
    public LabChangeLog(LabSettings initial) => Initial = initial;

    /// <summary>The settings the logged session started with.</summary>
    public LabSettings Initial { get; }

    /// <summary>The knobs of <paramref name="s"/> as the changes that set them, in the order a replay applies them.</summary>
    public static IEnumerable<(string Field, string Value)> Knobs(LabSettings s)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        yield return s.Data == "drawn" ? ("drawn", LabDataSets.FormatPoints(s.Drawn ?? [])) : ("data", s.Data);
        yield return ("loss", LabSettings.LossName(s.Loss));
        yield return ("lr_d", s.LrD.ToString("R", ci));
        yield return ("lr_g", s.LrG.ToString("R", ci));
        yield return ("d_steps", s.DSteps.ToString(ci));
        yield return ("g_width", s.GWidth.ToString(ci));
        yield return ("d_width", s.DWidth.ToString(ci));
    }

    /// <summary>A copy of the entries so far.</summary>
    public IReadOnlyList<LabLogEntry> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    /// <summary>Appends an entry.</summary>
    public void Add(LabLogEntry entry)
    {
        lock (_gate) _entries.Add(entry);
    }

    /// <summary>The log as JSON.</summary>
    public string ToJson()
    {
        var changes = new JsonArray();
        foreach (var e in Entries)
            changes.Add(new JsonObject { ["step"] = e.Step, ["field"] = e.Field, ["value"] = e.Value, ["seconds"] = Math.Round(e.Seconds, 2) });
        var initial = new JsonObject();
        foreach (var (field, value) in Knobs(Initial)) initial[field] = value;
        var root = new JsonObject { ["format"] = Format, ["batch_size"] = Initial.BatchSize, ["seed"] = Initial.Seed, ["initial"] = initial, ["changes"] = changes };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads a log written by <see cref="ToJson"/>. Throws <see cref="InvalidDataException"/> naming
    /// the entry and the problem when the file is not such a log or an entry would be refused on the page.</summary>
    public static (LabSettings Initial, IReadOnlyList<LabLogEntry> Changes) Parse(string json, string source)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException ex) { throw new InvalidDataException($"{source}: not JSON ({ex.Message})"); }
        if (root is not JsonObject o || (string?)o["format"] != Format)
            throw new InvalidDataException($"{source}: not a lab change log (expected \"format\": \"{Format}\")");
        int batch = Read(() => (int)o["batch_size"]!, source, "batch_size");
        ulong seed = Read(() => (ulong)o["seed"]!, source, "seed");
        if (batch is < 2 or > 4096) throw new InvalidDataException($"{source}: batch_size {batch} is out of range (2 to 4096)");
        var settings = new LabSettings(BatchSize: batch, Seed: seed);
        if (o["initial"] is JsonObject initial)
            foreach (var (field, node) in initial)
            {
                var (change, error) = LabControl.Parse(field, node is JsonValue v && v.TryGetValue(out string? text) ? text : null);
                if (change == null || field == "reset") throw new InvalidDataException($"{source}: initial {field}: {error ?? "a reset is not a setting"}");
                settings = LabControl.Apply(settings, change);
            }
        if (o["changes"] is not JsonArray changes) throw new InvalidDataException($"{source}: \"changes\" must be an array");
        var entries = new List<LabLogEntry>();
        long previous = -1;
        for (int i = 0; i < changes.Count; i++)
        {
            string where = $"{source}: change {i + 1}";
            var c = changes[i] as JsonObject ?? throw new InvalidDataException($"{where} is not an object");
            long step = Read(() => (long)c["step"]!, where, "step");
            string? field = Read(() => (string?)c["field"], where, "field"), value = Read(() => (string?)c["value"], where, "value");
            var (change, error) = LabControl.Parse(field, value);
            if (change == null) throw new InvalidDataException($"{where}: {error}");
            if (step < 0) throw new InvalidDataException($"{where}: step {step} is negative");
            // Steps only go forward between resets, which set the count back to 0.
            if (previous >= 0 && step < previous) throw new InvalidDataException($"{where}: step {step} comes after step {previous} without a reset between");
            previous = change.Field == "reset" ? 0 : step;
            entries.Add(new LabLogEntry(step, change.Field, change.Value, c["seconds"] is JsonValue s && s.TryGetValue(out double sec) ? sec : 0));
        }
        return (settings, entries);
    }

    private static T Read<T>(Func<T> read, string where, string name)
    {
        try { return read(); }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or NullReferenceException or OverflowException)
        {
            throw new InvalidDataException($"{where}: \"{name}\" is missing or not a {(typeof(T) == typeof(string) ? "string" : "whole number")}");
        }
    }
}
