using System.Globalization;

namespace Scratchgen.Imaging;

/// <summary>One line of an <see cref="XyChart"/>: points joined in the order given, each marked with a small square.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="Points">The points, joined in this order.</param>
public sealed record XySeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>A line chart of y against a numeric x (linear or logarithmic), drawn pixel by pixel in the
/// built-in font like <see cref="LossChart"/>: grid, tick labels, one colour per series with its points
/// marked, optional labelled vertical lines (a value with no y, such as a lossless codec's size), a legend
/// and a title. Points with a non-finite coordinate (or x &lt;= 0 on a log axis) are left out.</summary>
public static class XyChart
{
    private const int Left = 64, Right = 16, Top = 40, Bottom = 36;

    /// <summary>A line chart of (x, y) series with a title and axis labels; <paramref name="logX"/> puts x on a log scale.</summary>
    public static Raster Render(IReadOnlyList<XySeries> series, string title, string xLabel, string yLabel, bool logX = false,
        IReadOnlyList<(string Name, double X)>? verticals = null, int width = 720, int height = 440)
    {
        if (series.Count == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        if (width < Left + Right + 40 || height < Top + Bottom + 40) throw new ArgumentOutOfRangeException(nameof(width), $"chart {width}x{height} is too small");
        verticals ??= [];
        bool Drawable(double x, double y) => double.IsFinite(x) && double.IsFinite(y) && (!logX || x > 0);
        var points = series.SelectMany(s => s.Points).Where(p => Drawable(p.X, p.Y)).ToList();
        if (points.Count == 0) throw new ArgumentException("a chart needs at least one finite point", nameof(series));
        double Axis(double x) => logX ? Math.Log10(x) : x;
        var xs = points.Select(p => Axis(p.X)).Concat(verticals.Where(v => Drawable(v.X, 0)).Select(v => Axis(v.X))).ToList();
        var (xLo, xHi) = Padded(xs.Min(), xs.Max());
        var (yLo, yHi) = Padded(points.Min(p => p.Y), points.Max(p => p.Y));

        var r = new Raster(width, height, Rgb.White);
        int plotW = width - Left - Right, plotH = height - Top - Bottom;
        int X(double x) => Left + (int)Math.Round((Axis(x) - xLo) / (xHi - xLo) * plotW);
        int Y(double y) => Top + plotH - (int)Math.Round((y - yLo) / (yHi - yLo) * plotH);

        for (int t = 0; t <= 4; t++)
        {
            double y = yLo + (yHi - yLo) * t / 4;
            r.Line(Left, Y(y), Left + plotW, Y(y), Rgb.LightGray);
            string label = Format(y);
            BitmapFont.Draw(r, label, Left - 6 - BitmapFont.Measure(label), Y(y) - 3, Rgb.Black);
        }
        foreach (double x in XTicks(xLo, xHi, logX))
        {
            int px = X(x);
            r.Line(px, Top, px, Top + plotH, Rgb.LightGray);
            r.Line(px, Top + plotH, px, Top + plotH + 3, Rgb.Black);
            string label = Format(x);
            BitmapFont.Draw(r, label, px - BitmapFont.Measure(label) / 2, Top + plotH + 6, Rgb.Black);
        }
        r.Line(Left, Top, Left, Top + plotH, Rgb.Black);
        r.Line(Left, Top + plotH, Left + plotW, Top + plotH, Rgb.Black);
        BitmapFont.Draw(r, xLabel, Left + plotW / 2 - BitmapFont.Measure(xLabel) / 2, height - 12, Rgb.Black);
        BitmapFont.Draw(r, yLabel, 4, Top - 12, Rgb.Black);
        BitmapFont.Draw(r, title, Left + plotW / 2 - BitmapFont.Measure(title, 2) / 2, 6, Rgb.Black, 2);

        var legend = new List<(string Name, Rgb Color)>();
        for (int s = 0; s < series.Count; s++)
        {
            var color = Rgb.Series[s % Rgb.Series.Length];
            legend.Add((series[s].Name, color));
            (int X, int Y)? previous = null;
            foreach (var (x, y) in series[s].Points)
            {
                if (!Drawable(x, y)) { previous = null; continue; }
                var p = (X(x), Y(y));
                if (previous is { } q) r.Line(q.X, q.Y, p.Item1, p.Item2, color);
                r.FillRect(p.Item1 - 2, p.Item2 - 2, 5, 5, color);
                previous = p;
            }
        }
        for (int v = 0; v < verticals.Count; v++)
        {
            if (!Drawable(verticals[v].X, 0)) continue;
            var color = Rgb.Series[(series.Count + v) % Rgb.Series.Length];
            int px = X(verticals[v].X);
            for (int y = Top; y < Top + plotH; y += 6) r.Line(px, y, px, Math.Min(y + 3, Top + plotH), color);
            legend.Add((verticals[v].Name, color));
        }
        int legendW = legend.Max(l => BitmapFont.Measure(l.Name)) + 22, legendH = legend.Count * 11 + 6;
        int lx = Left + plotW - legendW - 4, ly = Top + plotH - legendH - 4;
        r.FillRect(lx, ly, legendW, legendH, Rgb.White);
        r.Line(lx, ly, lx + legendW - 1, ly, Rgb.Gray);
        r.Line(lx, ly + legendH - 1, lx + legendW - 1, ly + legendH - 1, Rgb.Gray);
        r.Line(lx, ly, lx, ly + legendH - 1, Rgb.Gray);
        r.Line(lx + legendW - 1, ly, lx + legendW - 1, ly + legendH - 1, Rgb.Gray);
        for (int i = 0; i < legend.Count; i++)
        {
            r.FillRect(lx + 4, ly + 5 + i * 11, 10, 7, legend[i].Color);
            BitmapFont.Draw(r, legend[i].Name, lx + 18, ly + 5 + i * 11, Rgb.Black);
        }
        return r;
    }

    private static (double Lo, double Hi) Padded(double lo, double hi)
    {
        if (hi - lo < 1e-12) return (lo - 0.5, hi + 0.5);
        double pad = (hi - lo) * 0.05;
        return (lo - pad, hi + pad);
    }

    // Linear: five evenly spaced values. Log: 1, 2 and 5 times the powers of ten inside the range (axis
    // values are log10 x), thinned to every power of ten when that would crowd the axis.
    private static IEnumerable<double> XTicks(double lo, double hi, bool logX)
    {
        if (!logX) return Enumerable.Range(0, 5).Select(t => lo + (hi - lo) * t / 4);
        var ticks = new List<double>();
        for (int e = (int)Math.Floor(lo); e <= (int)Math.Ceiling(hi); e++)
            foreach (double m in new[] { 1.0, 2.0, 5.0 })
            {
                double x = m * Math.Pow(10, e);
                if (Math.Log10(x) >= lo && Math.Log10(x) <= hi) ticks.Add(x);
            }
        return ticks.Count > 12 ? ticks.Where(x => Math.Abs(Math.Log10(x) - Math.Round(Math.Log10(x))) < 1e-9) : ticks;
    }

    private static string Format(double v) => Math.Abs(v) >= 1e5 || (Math.Abs(v) < 1e-3 && v != 0)
        ? v.ToString("0.0E+0", CultureInfo.InvariantCulture)
        : v.ToString(Math.Abs(v) >= 100 || v == Math.Round(v) ? "0" : Math.Abs(v) >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
