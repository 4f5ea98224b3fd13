using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scratchgen.Data;
using Scratchgen.Reporting;
using Scratchgen.Training;

namespace Scratchgen.Tests.Reporting;

/// <summary>The run report: rendered by headless Chromium, every picture decodes (naturalWidth > 0), the
/// per-epoch metrics and eval.json's values are on the page; plus the refusals and the missing-eval case.</summary>
public sealed class RunReportTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string TrainTinyRun()
    {
        string run = Path.Combine(_dir, "run");
        new TrainingRun(new TrainConfig("vae", run, 2, BatchSize: 16, TrainCount: 32, LatentDim: 2, Seed: 5), Embedded.Mnist10k().Slice(0, 48)).Run();
        return run;
    }

    // Runs after load in the browser: which images decoded, and what the metrics and eval tables show.
    private const string CheckScript = """
<img id="control-broken" data-name="control-broken" src="data:image/png;base64,AAAA">
<script>
window.addEventListener('load', () => {
  const images = [...document.images];
  const shown = id => { const e = document.getElementById(id); return e ? { text: e.innerText, height: e.offsetHeight, rows: e.rows ? e.rows.length : 0 } : null; };
  const pre = document.createElement('pre');
  pre.id = 'check';
  pre.textContent = JSON.stringify({
    images: images.length,
    broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.dataset.name),
    metrics: shown('metrics'), evaluation: shown('eval'), charts: document.querySelectorAll('.charts svg polyline').length });
  document.body.appendChild(pre);
});
</script>
""";

    [ChromiumFact]
    public void Report_InChromium_AllPicturesLoad_AndMetricsAndEvalAreShown()
    {
        string run = TrainTinyRun();
        File.WriteAllText(Path.Combine(run, "eval.json"), """{"fid": 12.25, "classifier": "lenet-v1"}""");
        string report = RunReport.Write(run);

        string page = Path.Combine(_dir, "checked.html");
        File.WriteAllText(page, File.ReadAllText(report).Replace("</body>", CheckScript + "</body>"));
        string dom = Chromium.DumpDom(page);
        var m = Regex.Match(dom, "<pre id=\"check\">(.*?)</pre>", RegexOptions.Singleline);
        Assert.True(m.Success, "the check script did not run; DOM starts: " + dom[..Math.Min(400, dom.Length)]);
        using var check = JsonDocument.Parse(WebUtility.HtmlDecode(m.Groups[1].Value));
        var root = check.RootElement;

        int pictures = Directory.GetFiles(run).Count(f => f.EndsWith(".png") || f.EndsWith(".gif"));
        Assert.True(pictures >= 6, $"the tiny run wrote only {pictures} pictures");
        Assert.Equal(pictures + 1, root.GetProperty("images").GetInt32());
        // Only the deliberately broken control image fails: the check can tell a broken image.
        Assert.Equal(["control-broken"], root.GetProperty("broken").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var metrics = root.GetProperty("metrics");
        Assert.True(metrics.GetProperty("height").GetInt32() > 0, "the metrics table is not rendered");
        Assert.Equal(1 + 2, metrics.GetProperty("rows").GetInt32()); // header + 2 epochs
        string metricsText = metrics.GetProperty("text").GetString()!;
        foreach (var line in File.ReadAllLines(Path.Combine(run, "metrics.jsonl")))
        {
            using var epoch = JsonDocument.Parse(line);
            double heldOut = epoch.RootElement.GetProperty("test").GetProperty("neg_elbo").GetDouble();
            Assert.Contains(heldOut.ToString("0.####", CultureInfo.InvariantCulture), metricsText);
        }
        Assert.True(root.GetProperty("charts").GetInt32() >= 3 * 2, "expected a train and a test curve for each of the VAE's three losses");

        string evalText = root.GetProperty("evaluation").GetProperty("text").GetString()!;
        Assert.Contains("fid", evalText);
        Assert.Contains("12.25", evalText);
        Assert.Contains("lenet-v1", evalText);
    }

    [Fact]
    public void Report_WithoutEvalJson_SaysSo_AndInlinesEveryPicture()
    {
        string run = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), """{"epoch":1,"train":{"bce":0.5},"test":{"bce":0.25}}""" + "\n");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "data", "gallery", "dcgan-loss-curves.png"), Path.Combine(run, "loss_curves.png"));
        File.WriteAllText(Path.Combine(run, "detection.json"), """{"epoch_001.auc": 0.875}""");
        File.WriteAllText(Path.Combine(run, "list.json"), "[1, 2]");
        string html = RunReport.Render(run, run);
        Assert.Contains("id=\"eval-missing\"", html);
        Assert.Contains("<table id=\"json-detection\"><tr><th>metric</th><th>value</th></tr><tr><td>epoch_001.auc</td><td>0.875</td></tr>", html);
        Assert.Contains("list.json left out", html);
        Assert.DoesNotContain("id=\"eval\"", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org/2000/svg", "")); // nothing to fetch
    }

    [Fact]
    public void Report_BadMetricsLine_IsRefusedWithLineNumber()
    {
        string run = Path.Combine(_dir, "bad");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), "{\"epoch\":1}\n[1, 2]\n");
        var ex = Assert.Throws<InvalidDataException>(() => RunReport.Render(run, run));
        Assert.Contains("metrics.jsonl: line 2", ex.Message);
    }

    [Fact]
    public void Report_EmptyFolder_IsRefused()
    {
        Directory.CreateDirectory(_dir);
        var ex = Assert.Throws<InvalidDataException>(() => RunReport.Render(_dir, _dir));
        Assert.Contains("neither metrics.jsonl nor any PNG/GIF", ex.Message);
    }
}
