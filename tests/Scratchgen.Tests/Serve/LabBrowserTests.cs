using Scratchgen.Tests.Reporting;
using Xunit.Abstractions;

namespace Scratchgen.Tests.Serve;

/// <summary>
/// The live pages in a real browser (headless Chromium): the lab loads with no console error, play advances
/// the step counter and pause stops it, D's learning rate set on the page reaches the server and its change
/// log, a refused value shows its message and changes nothing, the decision surface changes between frames;
/// and the live view of a `train gan --serve` run shows a new sample grid after an epoch.
/// </summary>
public sealed class LabBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scratchgen-live-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private const string Step = "Number(document.getElementById('step').textContent)";
    private const string Surface = "document.getElementById('plane').toDataURL()";
    private const string LogRows = "document.querySelectorAll('#log tbody tr').length";

    [ChromiumFact]
    public async Task Lab_PlayPauseKnobsAndSurface_InChromium()
    {
        using var server = ServeProcess.Start("lab", "serve");
        await using var page = await HeadlessPage.OpenAsync(server.Url);
        await page.WaitFor("window.labStats && window.labStats.frames > 0", "a first frame drawn");
        Assert.Equal(0, await page.Eval<int>(Step));
        Assert.Empty(page.Errors);
        string before = await page.Eval<string>(Surface);

        await page.Page.ClickAsync("#play");
        await page.WaitFor($"{Step} >= 20", "the step counter advancing after Play");
        await page.WaitFor($"{Surface} !== {System.Text.Json.JsonSerializer.Serialize(before)}", "the decision surface changing");
        await Task.Delay(2000);
        output.WriteLine($"while playing: {await page.Eval<string>("document.getElementById('rate').textContent")} steps/s, " +
                         $"{await page.Eval<string>("document.getElementById('fps').textContent")} frames/s on the page");

        await page.Page.ClickAsync("#pause");
        await page.WaitFor("document.getElementById('state').textContent === 'paused'", "the page showing paused");
        int paused = await page.Eval<int>(Step);
        await Task.Delay(1500);
        Assert.Equal(paused, await page.Eval<int>(Step));

        // D's learning rate, typed and set on the page: the server applies it and the change log shows it.
        await page.Eval<string>("document.getElementById('lr_d').value = '0.0002'");
        await page.Page.ClickAsync("button[data-knob='lr_d']");
        await page.WaitFor($"[...document.querySelectorAll('#log tbody tr')].some(r => r.cells[1].textContent === 'lr_d' && r.cells[2].textContent === '0.0002')",
            "lr_d 0.0002 in the page's change log", LogRows);
        Assert.Contains("\"value\": \"0.0002\"", server.Get("/api/log").Body);
        int rows = await page.Eval<int>(LogRows);
        Assert.Empty(page.Errors);

        // A refused value: its message on the page, nothing logged, the engine's rate unchanged.
        foreach (var bad in new[] { "NaN", "1e30", "fast" })
        {
            await page.Eval<string>($"document.getElementById('message').className = ''; document.getElementById('lr_d').value = '{bad}'");
            await page.Page.ClickAsync("button[data-knob='lr_d']");
            await page.WaitFor("document.getElementById('message').className.includes('error')", $"the refusal of {bad} on the page",
                "document.getElementById('message').textContent");
            string shown = await page.Eval<string>("document.getElementById('message').textContent");
            Assert.StartsWith("lr_d:", shown);
            Assert.Contains(bad == "1e30" ? "out of range" : "not a finite number", shown);
        }
        Assert.Equal(rows, await page.Eval<int>(LogRows));
        Assert.Contains("\"lr_d\":0.0002", server.Get("/api/frame").Body);

        // Single step, then the "what is happening" panel names the step's ops.
        await page.Page.ClickAsync("#stepbtn");
        await page.WaitFor($"{Step} === {paused + 1}", "one step after Step");
        await page.WaitFor("document.querySelectorAll('#trace details').length === 2", "the traced step's D and G updates in the panel",
            "document.getElementById('trace').textContent.slice(0, 200)");
        Assert.Contains("bce_with_logits", await page.Eval<string>("document.getElementById('trace').textContent"));

        // A data set drawn by clicking: three clicks on the plane become three Gaussians the GAN trains on.
        await page.Page.SelectAsync("#data", "drawn");
        var box = await (await page.Page.QuerySelectorAsync("#plane")).BoundingBoxAsync();
        foreach (var (fx, fy) in new[] { (0.3m, 0.3m), (0.7m, 0.3m), (0.5m, 0.75m) })
            await page.Page.Mouse.ClickAsync(box.X + fx * box.Width, box.Y + fy * box.Height);
        await page.Page.ClickAsync("#draw-apply");
        await page.WaitFor("[...document.querySelectorAll('#log tbody tr')].some(r => r.cells[1].textContent === 'drawn' && r.cells[2].textContent.split(';').length === 3)",
            "the drawn set in the change log", LogRows);
        await page.WaitFor("document.getElementById('metrics').textContent.includes(' of 3 modes')", "the metrics measured on the 3 drawn modes",
            "document.getElementById('metrics').textContent");

        // The only console errors: the browser's note of each refused control's 400 answer.
        Assert.Equal(3, page.Errors.Count);
        Assert.All(page.Errors, e => Assert.Contains("status of 400", e));
        Assert.All(page.Errors, e => Assert.Contains("/api/control", e));
        Assert.Equal(0, server.Interrupt());
    }

    [ChromiumFact]
    public async Task TrainServe_ShowsANewGridAfterAnEpoch_InChromium()
    {
        string run = Path.Combine(_dir, "gan");
        using var server = ServeProcess.Start("train", "gan", "--epochs", "40", "--limit", "1500", "--batch-size", "64", "--out", run, "--serve");
        await using var page = await HeadlessPage.OpenAsync(server.Url);
        await page.WaitFor("window.runStats && window.runStats.gridsShown.length >= 1", "a first sample grid", "JSON.stringify(window.runStats)");
        string first = await page.Eval<string>("window.runStats.gridsShown[0]");
        await page.WaitFor("new Set(window.runStats.gridsShown).size >= 2", "a new grid after an epoch", "JSON.stringify(window.runStats)");
        string second = await page.Eval<string>("window.runStats.gridsShown[window.runStats.gridsShown.length - 1]");
        Assert.NotEqual(first, second);
        Assert.Equal(second, await page.Eval<string>("document.getElementById('grid-name').textContent"));
        Assert.True(await page.Eval<bool>("document.getElementById('grid').complete && document.getElementById('grid').naturalWidth > 0"), "the grid did not decode");
        Assert.True(await page.Eval<int>("document.querySelectorAll('#epochs tbody tr').length") >= 1, "no epoch row");
        Assert.Empty(page.Errors);

        // Ctrl+C: mid-run it saves the checkpoint and exits 130; after the run it just stops the page (0).
        int code = server.Interrupt();
        Assert.True(code is 0 or 130, $"exit {code}: {server.Process.Output}");
        Assert.True(File.Exists(Path.Combine(run, "checkpoint", "model.safetensors")) || Directory.GetFiles(Path.Combine(run, "checkpoint"), "*.safetensors", SearchOption.AllDirectories).Length > 0,
            "no checkpoint after Ctrl+C: " + server.Process.Output);
    }
}
