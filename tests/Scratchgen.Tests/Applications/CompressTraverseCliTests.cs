using System.Text.Json;
using System.Text.RegularExpressions;
using Scratchgen.Imaging;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Applications;

/// <summary>`compress` and `traverse` through the real command on the shared small VAE run: the files they
/// write into --out, what the run report makes of them, and their refusals (exit code 2 for an option,
/// 3 for an input), which leave what was saved before as it was.</summary>
public sealed class CompressTraverseCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-compress-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void CompressAndTraverse_WriteIntoOut_AndTheReportShowsTheirTables()
    {
        var before = TrainedRun.Snapshot(TrainedRun.Folder);
        string out_ = Path.Combine(_dir, "out");
        var compress = CliProcess.Run(["compress", TrainedRun.Checkpoint, "--out", out_, "--test-count", "40", "--bits", "8,2", "--jpeg-quality", "50"], Timeout);
        Assert.True(compress.ExitCode == 0, compress.Output);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(out_, "compression.json"))))
        {
            var points = json.RootElement.GetProperty("points").EnumerateArray().Select(p => $"{p.GetProperty("method").GetString()} {p.GetProperty("setting").GetString()}").ToList();
            Assert.Equal(["vae 2 bits", "vae 8 bits", "vae float32", "pca 2 bits", "pca 8 bits", "pca float32", "jpeg quality 50", "png lossless"], points);
            Assert.Equal(40, json.RootElement.GetProperty("test_images").GetInt32());
        }
        var chart = ImageProvenance.Read(Path.Combine(out_, "compression.png"));
        Assert.Equal(Scratchgen.Training.Checkpoint.ModelSha256(TrainedRun.Checkpoint), chart["Checkpoint-SHA256"]);

        var traverse = CliProcess.Run(["traverse", TrainedRun.Checkpoint, "--out", out_, "--test-count", "40", "--digits", "2", "--steps", "5"], Timeout);
        Assert.True(traverse.ExitCode == 0, traverse.Output);
        Assert.Contains("active dimensions (KL > 0.01 nats)", CliProcess.Flat(traverse.Output));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(out_, "traversal.json"))))
        {
            var kl = json.RootElement.GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("kl").GetDouble()).ToList();
            Assert.Equal(4, kl.Count);
            Assert.Equal(kl.OrderDescending(), kl); // the picture's rows: most used dimension first
            Assert.Equal(kl.Count(k => k > 0.01), json.RootElement.GetProperty("active_dims").GetInt32());
        }
        Assert.Equal("true", ImageProvenance.Read(Path.Combine(out_, "traversal.png"))[Provenance.SyntheticKey]);
        Assert.Equal(before, TrainedRun.Snapshot(TrainedRun.Folder)); // --out: nothing written into the run

        var report = CliProcess.Run(["report", out_], Timeout);
        Assert.True(report.ExitCode == 0, report.Output);
        string html = File.ReadAllText(Path.Combine(out_, "report.html"));
        Assert.Equal(1 + 8, Rows(html, "json-compression-points"));
        Assert.Equal(1 + 4, Rows(html, "json-traversal-dimensions"));
        Assert.Contains("data-name=\"compression.png\"", html);
        Assert.Contains("data-name=\"traversal.png\"", html);
    }

    // The rows (header included) of the table with that id.
    private static int Rows(string html, string id)
    {
        var m = Regex.Match(html, $"<table id=\"{id}\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no table#{id} in the report");
        return Regex.Matches(m.Groups[1].Value, "<tr>").Count;
    }

    [Fact]
    public void BadOptionsAndInputs_AreRefusedByName_AndLeaveEarlierResultsAlone()
    {
        string out_ = Directory.CreateDirectory(Path.Combine(_dir, "kept")).FullName;
        string kept = Path.Combine(out_, "compression.json");
        File.WriteAllText(kept, "{\"earlier\": 1}");
        foreach (var (args, code, text) in new (string[], int, string)[]
        {
            (["compress", TrainedRun.Checkpoint, "--out", out_, "--bits", "0,4"], 2, "--bits"),
            (["compress", TrainedRun.Checkpoint, "--out", out_, "--jpeg-quality", "101"], 2, "--jpeg-quality"),
            (["compress", Path.Combine(_dir, "no-such-run", "checkpoint"), "--out", out_], 3, "no-such-run"),
            (["traverse", TrainedRun.Checkpoint, "--out", out_, "--steps", "1"], 2, "--steps"),
        })
        {
            var r = CliProcess.Run(args, Timeout, CliProcess.QuickStart);
            Assert.True(r.ExitCode == code, $"{string.Join(' ', args)}: exit code {r.ExitCode}, expected {code}:\n{r.Output}");
            Assert.Contains(text, CliProcess.Flat(r.Output));
        }
        Assert.Equal("{\"earlier\": 1}", File.ReadAllText(kept));
        Assert.False(File.Exists(Path.Combine(out_, "traversal.json")));
    }
}
