using System.Net;
using Microsoft.AspNetCore.Http;
using Scratchgen.Cli.Serve;

namespace Scratchgen.Tests.Serve;

/// <summary>`lab serve` from the command line: a saved change log replays (its changes applied at their
/// steps and logged again), and --host beyond this machine is warned about loudly while foreign names
/// stay refused.</summary>
public sealed class LabServeCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scratchgen-labcli-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Replay_AppliesEachChangeAtItsStep()
    {
        string log = Path.Combine(_dir, "lab-log.json");
        File.WriteAllText(log, """
            {"format": "scratchgen-lab-log/1", "batch_size": 32, "seed": 4,
             "initial": {"data": "moons", "loss": "non-saturating", "lr_d": "0.001", "lr_g": "0.001", "d_steps": "1", "g_width": "16", "d_width": "16"},
             "changes": [{"step": 3, "field": "lr_d", "value": "0.0003"}, {"step": 6, "field": "loss", "value": "minimax"}]}
            """);
        using var server = ServeProcess.Start("lab", "serve", "--replay", log);
        Assert.Contains("replaying", server.Process.Output);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string frame = "";
        while (clock.Elapsed < TimeSpan.FromSeconds(90) && !(frame = server.Get("/api/frame").Body).Contains("\"loss\":\"minimax\"", StringComparison.Ordinal))
            Thread.Sleep(100);
        Assert.Contains("\"loss\":\"minimax\"", frame);
        Assert.Contains("\"lr_d\":0.0003", frame);
        Assert.Contains("\"data\":\"moons\"", frame);
        Assert.Contains("\"g_width\":16", frame);
        string again = server.Get("/api/log").Body;
        Assert.Contains("\"step\": 3", again);
        Assert.Contains("\"step\": 6", again);
        Assert.Equal(0, server.Interrupt());
    }

    [Fact]
    public void HostBeyondThisMachine_IsWarnedAbout_AndNamesStayRefused()
    {
        using var server = ServeProcess.Start("lab", "serve", "--host", "0.0.0.0", "--batch-size", "16");
        Assert.Contains("WARNING: --host 0.0.0.0", CliProcessFlat(server.Process.Output));
        Assert.Equal(HttpStatusCode.OK, server.Get("/api/frame", host: "10.1.2.3:5024").Status);
        Assert.Equal(HttpStatusCode.Forbidden, server.Get("/api/frame", host: "evil.example").Status);
        Assert.Equal(0, server.Interrupt());
    }

    [Theory]
    [InlineData("192.168.1.5:80", "192.168.1.5", true)]
    [InlineData("192.168.1.6:80", "192.168.1.5", false)]
    [InlineData("10.0.0.1", "0.0.0.0", true)]
    [InlineData("rebound.example", "0.0.0.0", false)]
    public void HostHeader_WithHostOption(string header, string option, bool allowed) =>
        Assert.Equal(allowed, LocalOnly.HostAllowed(new HostString(header), option));

    private static string CliProcessFlat(string text) => Support.CliProcess.Flat(text);
}
