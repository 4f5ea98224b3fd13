using System.Globalization;

namespace Scratchgen.Imaging;

/// <summary>A line chart of loss curves drawn pixel by pixel: axes with tick labels, one line per series
/// in distinct colours, a legend, a title, all in the built-in 5x7 font. Series may differ in length;
/// x is the index (step or epoch). NaN and infinite points are left out (the line breaks there).</summary>
public static class LossChart
{
    private const int Left = 64, Right = 16, Top = 28, Bottom = 36;

    /// <summary>A line chart of loss series against step (each series one colour, with a legend), <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static Raster Render(IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, int width = 640, int height = 400,
        string? title = null, string xLabel = "step")
    {
        if (series.Count == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        if (width < Left + Right + 40 || height < Top + Bottom + 40) throw new ArgumentOutOfRangeException(nameof(width), $"chart {width}x{height} is too small");
        var r = new Raster(width, height, Rgb.White);
        int plotW = width - Left - Right, plotH = height - Top - Bottom;
        int maxLen = Math.Max(2, series.Max(s => s.Values.Count));
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        double lo = finite.Length > 0 ? finite.Min() : 0, hi = finite.Length > 0 ? finite.Max() : 1;
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;

        int X(double i) => Left + (int)Math.Round(i / (maxLen - 1) * plotW);
        int Y(double v) => Top + plotH - (int)Math.Round((v - lo) / (hi - lo) * plotH);

        // Grid lines, ticks and labels.
        for (int t = 0; t <= 4; t++)
        {
            double v = lo + (hi - lo) * t / 4;
            int y = Y(v);
            r.Line(Left, y, Left + plotW, y, Rgb.LightGray);
            string label = Format(v);
            BitmapFont.Draw(r, label, Left - 6 - BitmapFont.Measure(label), y - 3, Rgb.Black);
            double i = (maxLen - 1) * t / 4.0;
            int x = X(i);
            r.Line(x, Top + plotH, x, Top + plotH + 3, Rgb.Black);
            string xl = ((long)Math.Round(i)).ToString(CultureInfo.InvariantCulture);
            BitmapFont.Draw(r, xl, x - BitmapFont.Measure(xl) / 2, Top + plotH + 6, Rgb.Black);
        }
        r.Line(Left, Top, Left, Top + plotH, Rgb.Black);
        r.Line(Left, Top + plotH, Left + plotW, Top + plotH, Rgb.Black);
        BitmapFont.Draw(r, xLabel, Left + plotW / 2 - BitmapFont.Measure(xLabel) / 2, height - 12, Rgb.Black);
        if (title != null) BitmapFont.Draw(r, title, Left + plotW / 2 - BitmapFont.Measure(title, 2) / 2, 6, Rgb.Black, 2);

        // Lines, then the legend on top of them.
        for (int s = 0; s < series.Count; s++)
        {
            var color = Rgb.Series[s % Rgb.Series.Length];
            var values = series[s].Values;
            (int X, int Y)? prev = null;
            for (int i = 0; i < values.Count; i++)
            {
                if (!double.IsFinite(values[i])) { prev = null; continue; }
                var p = (X(i), Y(values[i]));
                if (prev is { } q) r.Line(q.X, q.Y, p.Item1, p.Item2, color);
                else r[p.Item1, p.Item2] = color;
                prev = p;
            }
        }
        int legendW = series.Max(s => BitmapFont.Measure(s.Name)) + 22, legendH = series.Count * 11 + 6;
        int lx = Left + plotW - legendW - 4, ly = Top + 4;
        r.FillRect(lx, ly, legendW, legendH, Rgb.White);
        DrawBox(r, lx, ly, legendW, legendH, Rgb.Gray);
        for (int s = 0; s < series.Count; s++)
        {
            var color = Rgb.Series[s % Rgb.Series.Length];
            r.FillRect(lx + 4, ly + 5 + s * 11, 10, 7, color);
            BitmapFont.Draw(r, series[s].Name, lx + 18, ly + 5 + s * 11, Rgb.Black);
        }
        return r;
    }

    /// <summary>Renders the chart and writes it as a PNG (provenance: not synthetic).</summary>
    public static void SavePng(IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string path,
        IReadOnlyDictionary<string, string>? provenance = null, string? title = null, string xLabel = "step") =>
        ImageFiles.SavePng(Render(series, title: title, xLabel: xLabel), path, Provenance.Real(provenance));

    private static void DrawBox(Raster r, int x, int y, int w, int h, Rgb c)
    {
        r.Line(x, y, x + w - 1, y, c);
        r.Line(x, y + h - 1, x + w - 1, y + h - 1, c);
        r.Line(x, y, x, y + h - 1, c);
        r.Line(x + w - 1, y, x + w - 1, y + h - 1, c);
    }

    private static string Format(double v) => Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0)
        ? v.ToString("0.0E+0", CultureInfo.InvariantCulture)
        : v.ToString(Math.Abs(v) >= 100 ? "0" : Math.Abs(v) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
