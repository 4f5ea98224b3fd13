using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Scratchgen.Cli.Serve;

/// <summary>
/// The read-only live view of a training run folder: the page, the run's state (metrics.jsonl's epochs,
/// warnings, eval.json, the servable files with their times) and the files themselves through
/// <see cref="SafeFiles"/>. It reads what the training run writes, so it follows a run in progress and
/// shows a finished one the same way; it never writes to the folder.
/// </summary>
internal static class RunEndpoints
{
    /// <summary>Adds the run view's endpoints for the folder <paramref name="files"/> serves.</summary>
    public static void Map(WebApplication app, SafeFiles files)
    {
        app.MapGet("/", () => LocalServer.Asset("run.html"));
        app.MapGet("/api/run", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Text(State(files).ToJsonString(), "application/json");
        });
        app.MapGet("/files/{name}", (string name, HttpContext context) =>
        {
            var (path, type, error) = files.Resolve(name);
            if (path == null) return Results.Text(error, "text/plain", statusCode: error == "not found" ? 404 : 403);
            context.Response.Headers.CacheControl = "no-store";
            return Results.File(path, type);
        });
    }

    /// <summary>The run's state as the page reads it.</summary>
    public static JsonObject State(SafeFiles files)
    {
        var epochs = new JsonArray();
        string metrics = Path.Join(files.Root, "metrics.jsonl");
        if (files.Resolve("metrics.jsonl").Path != null)
            foreach (var line in ReadShared(metrics).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                try { epochs.Add(JsonNode.Parse(line)); }
                catch (JsonException) { } // a line being written right now: the next poll reads it whole
            }
        JsonNode? eval = null;
        if (files.Resolve("eval.json").Path is string evalPath)
            try { eval = JsonNode.Parse(ReadShared(evalPath)); } catch (JsonException) { }
        var list = new JsonArray();
        foreach (var f in files.List())
            list.Add(new JsonObject { ["name"] = f.Name, ["bytes"] = f.Length, ["modified"] = f.LastWriteTimeUtc.Ticks });
        return new JsonObject { ["folder"] = Path.GetFileName(files.Root), ["epochs"] = epochs, ["eval"] = eval, ["files"] = list };
    }

    private static string ReadShared(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(s).ReadToEnd();
    }
}
