using System.Net;
using Microsoft.AspNetCore.Http;
using Scratchgen.Cli.Serve;

namespace Scratchgen.Tests.Serve;

/// <summary>
/// The servers are safe by construction: only Host headers naming this machine are answered (DNS
/// rebinding), no file outside the run folder is read (.., encoded slashes, absolute paths, links), a bad
/// control value is refused with its field named and never reaches the engine, and Ctrl+C stops the
/// server with exit 0, leaving the run folder as it was.
/// </summary>
public sealed class ServeSecurityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scratchgen-serve-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("localhost:5024", true)]
    [InlineData("127.0.0.1:80", true)]
    [InlineData("[::1]:5024", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("evil.example:5024", false)]
    [InlineData("127.0.0.1.evil.example", false)]
    [InlineData("localhost.evil.example", false)]
    [InlineData("", false)]
    public void HostHeader_OnlyThisMachineIsAnswered(string host, bool allowed) =>
        Assert.Equal(allowed, LocalOnly.HostAllowed(new HostString(host), extraHost: null));

    private string RunFolder()
    {
        string run = Path.Combine(_dir, "run");
        Directory.CreateDirectory(Path.Combine(run, "checkpoint"));
        File.WriteAllBytes(Path.Combine(run, "samples_epoch_001.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), """{"epoch": 1, "step": 10, "train": {"loss_d": 1.2}, "test": {"loss_d": 1.3}, "warnings": ["careful"]}""" + "\n");
        File.WriteAllText(Path.Combine(run, "checkpoint", "model.safetensors"), "weights");
        File.WriteAllText(Path.Combine(_dir, "secret.json"), """{"secret": "outside the run folder"}""");
        File.CreateSymbolicLink(Path.Combine(run, "link.json"), Path.Combine(_dir, "secret.json"));
        return run;
    }

    [Theory]
    [InlineData("samples_epoch_001.png", true)]
    [InlineData("metrics.jsonl", true)]
    [InlineData("../secret.json", false)]
    [InlineData("..", false)]
    [InlineData("..%2Fsecret.json", false)]
    [InlineData("checkpoint/model.safetensors", false)]
    [InlineData("/etc/passwd", false)]
    [InlineData("..\\secret.json", false)]
    [InlineData("link.json", false)]
    [InlineData(".hidden.json", false)]
    [InlineData("missing.png", false)]
    public void SafeFiles_ServeOnlyPlainFilesDirectlyInTheFolder(string name, bool served)
    {
        var files = new SafeFiles(RunFolder());
        var (path, _, error) = files.Resolve(name);
        Assert.Equal(served, path != null);
        if (!served) Assert.NotNull(error);
        Assert.DoesNotContain(files.List(), f => f.Name == "link.json");
    }

    [Fact]
    public void RunView_OverHttp_RefusesTraversalAndForeignHosts_AndCtrlCLeavesTheFolderIntact()
    {
        string run = RunFolder();
        var before = Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        using var server = ServeProcess.Start("serve", run);

        var (status, body) = server.Get("/files/samples_epoch_001.png");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("careful", server.Get("/api/run").Body);
        foreach (var path in new[] { "/files/..%2Fsecret.json", "/files/%2E%2E%2Fsecret.json", "/files/..%5Csecret.json", "/files/%2Fetc%2Fpasswd",
                     "/files/link.json", "/files/checkpoint%2Fmodel.safetensors", "/files/..%252Fsecret.json", "/../secret.json", "/files/../../secret.json",
                     "/files/%2e%2e/secret.json", "/files/%2e%2e%2fsecret.json", "/files/" + Uri.EscapeDataString(Path.Combine(_dir, "secret.json")) })
        {
            var (code, raw) = server.RawGet(path);
            body = raw;
            Assert.True(code is 400 or 403 or 404, $"{path}: {code}");
            Assert.DoesNotContain("outside the run folder\"", body);
            Assert.DoesNotContain("root:", body);
        }
        (status, body) = server.Get("/api/run", host: "evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.DoesNotContain("careful", body);
        Assert.Equal(HttpStatusCode.Forbidden, server.Get("/files/samples_epoch_001.png", host: "127.0.0.1.evil.example").Status);

        Assert.Equal(0, server.Interrupt());
        Assert.Contains("stopped", server.Process.Output);
        var after = Directory.GetFiles(run, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, after[kv.Key]));
    }

    [Fact]
    public void Lab_OverHttp_RefusesBadControlsWithAMessage_AndNoneReachesTheLog()
    {
        using var server = ServeProcess.Start("lab", "serve", "--batch-size", "32");
        foreach (var bad in new[] { """{"field": "lr_d", "value": "NaN"}""", """{"field": "lr_d", "value": 1e30}""", """{"field": "lr_d", "value": "fast"}""",
                     """{"field": "lr_d", "value": [1]}""", """{"field": "d_steps", "value": 0}""", """{"action": "explode"}""", "not json", "[]" })
        {
            var (status, body) = server.Post("/api/control", bad);
            Assert.True(status == HttpStatusCode.BadRequest, $"{bad}: {status} {body}");
            Assert.Contains("\"error\"", body);
        }
        Assert.Contains("lr_d: 'NaN' is not a finite number", server.Post("/api/control", """{"field": "lr_d", "value": "NaN"}""").Body);
        // Another site's page: a form (not JSON) or a script with a foreign Origin is refused.
        Assert.Equal(HttpStatusCode.Forbidden, server.Post("/api/control", "field=lr_d&value=0.1", "application/x-www-form-urlencoded").Status);
        Assert.Equal(HttpStatusCode.Forbidden, server.Post("/api/control", """{"field": "lr_d", "value": "0.1"}""", origin: "http://evil.example").Status);
        Assert.Equal(HttpStatusCode.Forbidden, server.Get("/api/frame", host: "evil.example").Status);
        Assert.DoesNotContain("\"field\"", server.Get("/api/log").Body);

        var (okStatus, okBody) = server.Post("/api/control", """{"field": "lr_d", "value": 0.0002}""");
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Contains("lr_d = 0.0002", okBody);
        Assert.Contains("\"value\": \"0.0002\"", server.Get("/api/log").Body);
        Assert.Equal(0, server.Interrupt());
    }

    [Fact]
    public void ABusyPort_IsABadArgument()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (code, output) = Support.CliProcess.Run(["lab", "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(120));
        Assert.Equal(2, code);
        Assert.Contains($"--port {port}", output);
    }
}
