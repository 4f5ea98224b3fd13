using System.Diagnostics;
using PuppeteerSharp;
using Scratchgen.Tests.Reporting;

namespace Scratchgen.Tests.Serve;

/// <summary>
/// Debian's Chromium driven through PuppeteerSharp (the DevTools protocol; no browser is downloaded):
/// one headless page with every console error and uncaught exception collected, and a poll helper that
/// waits for a condition in the page instead of sleeping a fixed time (the machine may be loaded).
/// </summary>
internal sealed class HeadlessPage : IAsyncDisposable
{
    private readonly IBrowser _browser;
    private readonly List<string> _errors = [];
    private readonly Lock _gate = new();

    private HeadlessPage(IBrowser browser, IPage page)
    {
        _browser = browser;
        Page = page;
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error) lock (_gate) _errors.Add($"console: {e.Message.Text} ({e.Message.Location?.URL})");
        };
        page.PageError += (_, e) => { lock (_gate) _errors.Add("uncaught: " + e.Message); };
    }

    public IPage Page { get; }

    /// <summary>Console errors and uncaught exceptions so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_gate) return [.. _errors]; }
    }

    public static async Task<HeadlessPage> OpenAsync(string url)
    {
        Assert.True(Chromium.Available, $"{Chromium.Path} is missing: .ci/run must install Debian's chromium package");
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Timeout = 120_000,
            ProtocolTimeout = 120_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-background-timer-throttling",
                    "--disable-renderer-backgrounding", "--window-size=1500,1000"],
        });
        var page = await browser.NewPageAsync();
        var headless = new HeadlessPage(browser, page);
        await page.SetViewportAsync(new ViewPortOptions { Width = 1500, Height = 1000 });
        await page.GoToAsync(url, new NavigationOptions { Timeout = 120_000, WaitUntil = [WaitUntilNavigation.Load] });
        return headless;
    }

    public Task<T> Eval<T>(string expression) => Page.EvaluateExpressionAsync<T>(expression);

    /// <summary>Waits until <paramref name="expression"/> is true in the page; fails with <paramref name="what"/> and the last value of <paramref name="show"/>.</summary>
    public async Task WaitFor(string expression, string what, string show = "document.getElementById('step').textContent", int seconds = 90)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await Eval<bool>(expression)) return;
            await Task.Delay(100);
        }
        Assert.Fail($"{what}: not seen within {seconds} s ({show} = {await Eval<string>($"String({show})")}; errors: {string.Join("; ", Errors)})");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _browser.Dispose();
    }
}
