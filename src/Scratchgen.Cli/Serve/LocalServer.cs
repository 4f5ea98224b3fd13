using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Scratchgen.Cli.Serve;

/// <summary>
/// Kestrel from the shared framework, set up the same way for the lab and the run view: one address
/// (127.0.0.1 unless --host says otherwise, with a loud warning), the <see cref="LocalOnly"/> guard in
/// front of every endpoint, the pages' assets from the assembly's embedded resources, no logging noise.
/// </summary>
internal static class LocalServer
{
    /// <summary>The port used when --port is not given.</summary>
    public const int DefaultPort = 5024;

    /// <summary>Builds the app; <paramref name="map"/> adds its endpoints. Throws ArgumentException for a bad host.</summary>
    public static WebApplication Build(string host, int port, Action<WebApplication> map)
    {
        if (!IPAddress.TryParse(host, out var address) && host != "localhost")
            throw new ArgumentException($"--host '{host}' is not an IP address: expected e.g. 127.0.0.1 (the default)");
        if (host != "localhost" && !LocalOnly.IsLoopback(host))
        {
            AnsiConsole.MarkupLineInterpolated($"[bold red]WARNING: --host {host} makes the server reachable from other machines on that network.[/]");
            AnsiConsole.MarkupLine("[bold red]Anyone who can reach it can drive the lab and read the run's pictures and metrics; there is no password. Use it only on a network you trust.[/]");
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024;
            if (host == "localhost") k.ListenLocalhost(port);
            else k.Listen(address!, port);
        });
        var app = builder.Build();
        string? extraHost = LocalOnly.IsLoopback(host) ? null : host;
        app.Use(next => LocalOnly.Guard(next, extraHost));
        app.MapGet("/assets/{name}", (string name) => Asset(name));
        map(app);
        return app;
    }

    /// <summary>Starts the app and returns the URL it listens on. A port in use is the user's to change (exit 2).</summary>
    public static async Task<string> StartAsync(WebApplication app, int port)
    {
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            throw new ArgumentException($"--port {port}: cannot listen there ({ex.Message}); choose another port, or 0 for any free one");
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Listening on every address, the page is opened through this machine's own.
        return address.Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://[::]:", "://localhost:", StringComparison.Ordinal).TrimEnd('/') + "/";
    }

    /// <summary>Opens <paramref name="url"/> in the default browser (xdg-open, open or the shell); says so when none starts.</summary>
    public static void OpenInBrowser(string url)
    {
        try
        {
            var start = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
                ? new System.Diagnostics.ProcessStartInfo(OperatingSystem.IsLinux() ? "xdg-open" : "open") { ArgumentList = { url } }
                : new System.Diagnostics.ProcessStartInfo(url) { UseShellExecute = true };
            using var p = System.Diagnostics.Process.Start(start);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]could not open a browser ({ex.Message}): open {url} yourself[/]");
        }
    }

    /// <summary>Waits for Ctrl+C or SIGTERM (or <paramref name="alsoStop"/>), then stops the server cleanly.</summary>
    public static async Task RunUntilInterruptedAsync(WebApplication app, CancellationToken alsoStop = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(alsoStop);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            await StopAsync(app);
        }
    }

    /// <summary>Stops the server, letting requests in flight finish for up to 5 s.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }

    private static readonly Dictionary<string, string> AssetTypes = new()
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
    };

    /// <summary>An embedded asset by its file name (only names the assembly holds are served).</summary>
    public static IResult Asset(string name)
    {
        var stream = typeof(LocalServer).Assembly.GetManifestResourceStream("Scratchgen.Cli.Serve.Assets." + name);
        if (stream == null || !AssetTypes.TryGetValue(Path.GetExtension(name), out var type)) return Results.NotFound();
        return Results.Stream(stream, type);
    }
}
