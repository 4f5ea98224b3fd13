using System.Globalization;
using System.Net;
using System.Text;

namespace Scratchgen.Reporting;

/// <summary>A small inline SVG line chart (no script, no fonts to fetch) for per-epoch curves in the run
/// report: x = row index (epoch 1..n), y scaled to the finite values, one coloured polyline and legend
/// entry per series; points that are NaN or infinite are left out.</summary>
internal static class SvgLineChart
{
    private const int Width = 420, Height = 240, Left = 56, Right = 12, Top = 26, Bottom = 40;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;

    public static string Render(string title, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string xLabel = "epoch")
    {
        var finite = series.SelectMany(s => s.Values).Where(double.IsFinite).ToArray();
        double lo = finite.Length > 0 ? finite.Min() : 0, hi = finite.Length > 0 ? finite.Max() : 1;
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        int n = Math.Max(2, series.Max(s => s.Values.Count));
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double X(int i) => Left + (double)i / (n - 1) * plotW;
        double Y(double v) => Top + plotH - (v - lo) / (hi - lo) * plotH;

        var svg = new StringBuilder();
        svg.Append(Ci, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{E(title)}\">");
        svg.Append(Ci, $"<text x=\"{Width / 2}\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">{E(title)}</text>");
        svg.Append(Ci, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#999\"/>");
        foreach (double v in new[] { lo, (lo + hi) / 2, hi })
            svg.Append(Ci, $"<text x=\"{Left - 4}\" y=\"{Y(v) + 4:F1}\" text-anchor=\"end\" font-size=\"10\">{v:G4}</text>");
        for (int i = 0; i < n; i++)
            svg.Append(Ci, $"<text x=\"{X(i):F1}\" y=\"{Top + plotH + 14}\" text-anchor=\"middle\" font-size=\"10\">{i + 1}</text>");
        svg.Append(Ci, $"<text x=\"{Left + plotW / 2}\" y=\"{Height - 4}\" text-anchor=\"middle\" font-size=\"11\">{E(xLabel)}</text>");
        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            var points = series[s].Values.Select((v, i) => (v, i)).Where(p => double.IsFinite(p.v))
                .Select(p => string.Create(Ci, $"{X(p.i):F1},{Y(p.v):F1}"));
            svg.Append(Ci, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points)}\"/>");
            svg.Append(Ci, $"<text x=\"{Left + plotW - 6}\" y=\"{Top + 14 + 13 * s}\" text-anchor=\"end\" font-size=\"11\" fill=\"{color}\">{E(series[s].Name)}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
