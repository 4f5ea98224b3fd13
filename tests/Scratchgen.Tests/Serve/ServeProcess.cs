using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Serve;

/// <summary>A `scratchgen lab serve` / `serve RUN_DIR` / `train --serve` child process on a free port, with
/// the URL it printed and an HTTP client that sends whatever Host header a case needs.</summary>
internal sealed partial class ServeProcess : IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private ServeProcess(CliProcess process, string url)
    {
        Process = process;
        Url = url;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public CliProcess Process { get; }
    public string Url { get; }
    public HttpClient Http { get; }

    /// <summary>Starts the command (with --port 0 added) and waits until it prints its URL.</summary>
    public static ServeProcess Start(params string[] args)
    {
        var p = CliProcess.Start([.. args, "--port", "0"]);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var m = UrlPattern().Match(p.Output);
            if (m.Success) return new ServeProcess(p, m.Groups[1].Value);
            if (clock.Elapsed > StartTimeout)
            {
                string output = p.Output;
                p.Dispose();
                throw new TimeoutException($"no URL printed within {StartTimeout.TotalSeconds} s: {output}");
            }
            Thread.Sleep(50);
        }
    }

    /// <summary>GET with an explicit Host header.</summary>
    public (HttpStatusCode Status, string Body) Get(string path, string? host = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (host != null) request.Headers.Host = host;
        using var response = Http.Send(request);
        return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    /// <summary>GET with the request line written byte for byte (an HTTP client would normalise "..", "%2e%2e"
    /// before sending): what the server does with exactly that path.</summary>
    public (int Status, string Body) RawGet(string path)
    {
        using var tcp = new System.Net.Sockets.TcpClient(Http.BaseAddress!.Host, Http.BaseAddress.Port);
        using var stream = tcp.GetStream();
        stream.Write(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        string response = new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        var status = Regex.Match(response, @"^HTTP/1\.1 (\d{3})");
        return (status.Success ? int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0, response);
    }

    /// <summary>POST a body with a content type (and an Origin header when given).</summary>
    public (HttpStatusCode Status, string Body) Post(string path, string body, string contentType = "application/json", string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (origin != null) request.Headers.Add("Origin", origin);
        using var response = Http.Send(request);
        return (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    /// <summary>Ctrl+C, then the exit code.</summary>
    public int Interrupt()
    {
        Process.Signal("INT");
        return Process.WaitForExit(TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        Http.Dispose();
        Process.Dispose();
    }

    [GeneratedRegex(@"on (http://\S+/)")]
    private static partial Regex UrlPattern();
}
