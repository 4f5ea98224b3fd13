using System.Net;
using Microsoft.AspNetCore.Http;

namespace Scratchgen.Cli.Serve;

/// <summary>
/// The server's first line of defence. It answers only requests whose Host header names this machine
/// (localhost, 127.0.0.1 or [::1], any port; or the address given with --host): a page on another site
/// that rebinds its own name to 127.0.0.1 (DNS rebinding) still sends its own name as Host and is refused.
/// A POST must carry JSON, and an Origin header, when sent, must be this server's own: a form on another
/// site cannot send JSON without the browser asking first, and is refused by origin otherwise.
/// </summary>
internal static class LocalOnly
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>True when <paramref name="host"/> is a loopback name or address.</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Whether a request's Host header is one this server answers (<paramref name="extraHost"/>: the --host
    /// address, or null). Listening on every address (0.0.0.0 or ::), any IP address is answered as Host: DNS
    /// rebinding needs a name, so names other than localhost stay refused.</summary>
    public static bool HostAllowed(HostString host, string? extraHost)
    {
        if (!host.HasValue) return false;
        string name = host.Host;
        return LoopbackNames.Any(n => n.Equals(name, StringComparison.OrdinalIgnoreCase))
            || (extraHost != null && extraHost.Trim('[', ']').Equals(name.Trim('[', ']'), StringComparison.OrdinalIgnoreCase))
            || (extraHost is "0.0.0.0" or "::" && IPAddress.TryParse(name.Trim('[', ']'), out _));
    }

    /// <summary>The checks as middleware, plus headers that keep the pages from being framed or sniffed.</summary>
    public static RequestDelegate Guard(RequestDelegate next, string? extraHost) => async context =>
    {
        var request = context.Request;
        string? refusal = !HostAllowed(request.Host, extraHost)
            ? $"refused: Host '{request.Host}' is not this machine (only localhost, 127.0.0.1 or [::1] are answered)"
            : request.Method == HttpMethods.Post && !(request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false)
                ? "refused: a POST must send application/json"
            : request.Headers.Origin is { Count: > 0 } origin && !SameOrigin(origin.ToString(), request.Host)
                ? $"refused: Origin '{origin}' is not this server"
            : null;
        if (refusal != null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(refusal);
            return;
        }
        var headers = context.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        headers["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        await next(context);
    };

    private static bool SameOrigin(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme == "http"
        && string.Equals(uri.Authority, host.Value, StringComparison.OrdinalIgnoreCase);
}
