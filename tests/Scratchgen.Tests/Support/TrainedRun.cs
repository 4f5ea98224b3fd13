namespace Scratchgen.Tests.Support;

/// <summary>
/// A small VAE run written by the real `scratchgen train` (1 epoch on 200 digits, latent 4), made once
/// per test process and shared by the child-process tests that need a genuine checkpoint to start from;
/// they copy or link it and never write into it. Deleted when the process exits.
/// </summary>
internal static class TrainedRun
{
    /// <summary>The options it was trained with (its --out comes after them).</summary>
    public static readonly string[] TrainArgs =
        ["train", "vae", "--limit", "240", "--train-count", "200", "--batch-size", "16", "--epochs", "1", "--latent-dim", "4", "--seed", "5"];

    private static readonly Lazy<string> Dir = new(Train);

    /// <summary>The run folder (its checkpoint is in checkpoint/).</summary>
    public static string Folder => Dir.Value;

    public static string Checkpoint => Path.Combine(Folder, "checkpoint");

    private static string Train()
    {
        string root = Path.Combine(Path.GetTempPath(), "scratchgen-trained-" + Guid.NewGuid().ToString("N"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        };
        string run = Path.Combine(root, "vae");
        var r = CliProcess.Run([.. TrainArgs, "--out", run], TimeSpan.FromSeconds(180));
        if (r.ExitCode != 0) throw new InvalidOperationException($"training the shared test run failed ({r.ExitCode}):\n{r.Output}");
        return run;
    }

    /// <summary>Every file under <paramref name="dir"/> with its length and last write time: what a command
    /// that must write nothing has to leave as it was.</summary>
    public static IReadOnlyList<string> Snapshot(string dir) =>
        Directory.Exists(dir)
            ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => new FileInfo(f)).Select(f => $"{Path.GetRelativePath(dir, f.FullName)} {f.Length} {f.LastWriteTimeUtc.Ticks}").ToList()
            : [];
}
