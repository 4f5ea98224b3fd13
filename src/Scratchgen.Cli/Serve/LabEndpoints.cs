using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Scratchgen.Lab;

namespace Scratchgen.Cli.Serve;

/// <summary>
/// The live lab's HTTP face: the page, the latest frame, the trace of the last traced step, the change log,
/// and one control endpoint. Every control value passes <see cref="LabControl.Parse"/> before the runner sees
/// it; a refused one comes back as 400 with the message the page shows.
/// </summary>
internal static class LabEndpoints
{
    /// <summary>Adds the lab's endpoints for <paramref name="runner"/>.</summary>
    public static void Map(WebApplication app, LabRunner runner)
    {
        app.MapGet("/", () => LocalServer.Asset("lab.html"));
        // ?after=N (the X-Frame of the frame the page has): answered when a newer frame is out, or after a second.
        app.MapGet("/api/frame", async (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (runner.Failure is Exception ex) return Results.Json(new { error = $"the lab stopped: {ex.GetType().Name}: {ex.Message}" }, statusCode: 500);
            long after = long.TryParse(context.Request.Query["after"], out long a) ? a : -1;
            var (frame, version) = await runner.NextFrameAsync(after, TimeSpan.FromSeconds(1), context.RequestAborted);
            context.Response.Headers["X-Frame"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Bytes(frame.Json, "application/json");
        });
        app.MapGet("/api/trace", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var t = runner.Trace;
            return Results.Json(new
            {
                step = t?.Step ?? 0,
                parts = t?.Parts.Select(p => new { title = p.Title, root = p.Root, forward = p.Forward, backward = p.Backward }) ?? [],
            });
        });
        app.MapGet("/api/log", (HttpContext context) =>
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=lab-log.json";
            return Results.Text(runner.LogJson, "application/json");
        });
        app.MapPost("/api/control", async (HttpContext context) =>
        {
            var (result, status) = await Control(context.Request, runner);
            return Results.Json(result, statusCode: status);
        });
    }

    private static async Task<(object Result, int Status)> Control(HttpRequest request, LabRunner runner)
    {
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (Exception ex) when (ex is JsonException or BadHttpRequestException)
        {
            return (new { error = "the control message is not JSON: expected {\"action\": \"play\"} or {\"field\": \"lr_d\", \"value\": \"1e-4\"}" }, 400);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (new { error = "the control message must be a JSON object" }, 400);
            if (root.TryGetProperty("action", out var action))
            {
                switch (action.ValueKind == JsonValueKind.String ? action.GetString() : null)
                {
                    case "play": runner.Play(); break;
                    case "pause": runner.Pause(); break;
                    case "step": runner.SingleStep(); break;
                    default: return (new { error = "action: expected play, pause or step" }, 400);
                }
                return (new { ok = true, message = action.GetString() }, 200);
            }
            string? field = root.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            string? value = !root.TryGetProperty("value", out var v) ? null
                : v.ValueKind == JsonValueKind.String ? v.GetString()
                : v.ValueKind == JsonValueKind.Number ? v.GetRawText()
                : null;
            if (field != null && value == null)
                return (new { error = $"{field}: the value must be a number or a string" }, 400);
            var (change, error) = LabControl.Parse(field, value);
            if (change == null) return (new { error }, 400);
            runner.Change(change);
            return (new { ok = true, message = $"{change.Field} = {change.Value}" }, 200);
        }
    }
}
