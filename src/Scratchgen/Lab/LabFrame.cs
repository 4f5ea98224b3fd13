using System.Text.Json;

namespace Scratchgen.Lab;

/// <summary>
/// One snapshot of a live lab session for the page (<see cref="LabSession.Frame"/>), immutable, with its
/// JSON made once. Coordinates are data units, (x, y) pairs; arrows are per point, the direction G's next
/// update moves it; the surface is row 0 at the top.
/// </summary>
internal sealed record LabFrame(
    long Step, bool Playing, LabSettings Settings, double Extent, float[] Real, float[] Fake, float[] Arrows,
    int SurfaceSide, float[] Surface, string SurfaceKind, IReadOnlyList<(long Step, double D, double G)> Losses,
    double LossD, double LossG, ModeReport Metrics, long MetricsStep, IReadOnlyList<(long Step, string Text)> Warnings,
    IReadOnlyList<LabLogEntry> Log, long TraceStep, double StepsPerSecond)
{
    private byte[]? _json;

    /// <summary>The frame as UTF-8 JSON (numbers rounded for size).</summary>
    public byte[] Json => _json ??= Write();

    private byte[] Write()
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("step", Step);
            w.WriteBoolean("playing", Playing);
            w.WriteNumber("stepsPerSecond", Math.Round(StepsPerSecond, 1));
            w.WriteStartObject("settings");
            w.WriteString("data", Settings.Data);
            w.WriteString("loss", LabSettings.LossName(Settings.Loss));
            w.WriteNumber("lr_d", Settings.LrD);
            w.WriteNumber("lr_g", Settings.LrG);
            w.WriteNumber("d_steps", Settings.DSteps);
            w.WriteNumber("g_width", Settings.GWidth);
            w.WriteNumber("d_width", Settings.DWidth);
            w.WriteNumber("batch_size", Settings.BatchSize);
            w.WriteNumber("seed", Settings.Seed);
            w.WriteEndObject();
            w.WriteNumber("extent", Extent);
            Numbers(w, "real", Real, 3);
            Numbers(w, "fake", Fake, 3);
            Numbers(w, "arrows", Arrows, 4);
            w.WriteNumber("surfaceSide", SurfaceSide);
            w.WriteString("surfaceKind", SurfaceKind);
            Numbers(w, "surface", Surface, 3);
            w.WriteStartObject("losses");
            w.WriteStartArray("step");
            foreach (var l in Losses) w.WriteNumberValue(l.Step);
            w.WriteEndArray();
            Numbers(w, "d", Losses.Select(l => l.D), 4);
            Numbers(w, "g", Losses.Select(l => l.G), 4);
            w.WriteEndObject();
            Finite(w, "lossD", LossD);
            Finite(w, "lossG", LossG);
            w.WriteStartObject("metrics");
            w.WriteNumber("modesCovered", Metrics.ModesCovered);
            w.WriteNumber("modes", Metrics.Modes);
            w.WriteNumber("highQuality", Math.Round(Metrics.HighQualityShare, 4));
            w.WriteNumber("step", MetricsStep);
            w.WriteEndObject();
            w.WriteStartArray("warnings");
            foreach (var (step, text) in Warnings)
            {
                w.WriteStartObject();
                w.WriteNumber("step", step);
                w.WriteString("text", text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("log");
            foreach (var e in Log)
            {
                w.WriteStartObject();
                w.WriteNumber("step", e.Step);
                w.WriteString("field", e.Field);
                w.WriteString("value", e.Value);
                w.WriteNumber("seconds", Math.Round(e.Seconds, 2));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("traceStep", TraceStep);
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    // Non-finite values (a diverged run) are written as null: JSON has no NaN.
    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<float> values, int digits) => Numbers(w, name, values.Select(v => (double)v), digits);

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values, int digits)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            if (double.IsFinite(v)) w.WriteNumberValue(Math.Round(v, digits));
            else w.WriteNullValue();
        w.WriteEndArray();
    }

    private static void Finite(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 5));
        else w.WriteNull(name);
    }
}
