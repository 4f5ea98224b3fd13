using System.Diagnostics;

namespace Scratchgen.Tests.Reporting;

/// <summary>Headless Debian Chromium for page tests. Under CI (env CI set) a missing browser is a
/// failure, not a skip: .ci/run installs it. On a developer machine without it the test is skipped.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!Chromium.Available && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            Skip = $"{Chromium.Path} is missing (apt-get install -y chromium); under CI this test fails instead";
    }
}

public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static bool Available => File.Exists(Path);

    /// <summary>Loads a file:// page headless and returns the DOM after its load event (scripts run).</summary>
    public static string DumpDom(string htmlFile, int timeoutMs = 60_000)
    {
        Assert.True(Available, $"{Path} is missing: .ci/run must install Debian's chromium package");
        string profile = Directory.CreateTempSubdirectory("scratchgen-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(Path)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // The flags this machine needs (no sandbox as root, no GPU, nothing reaching for the network).
            foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         $"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", new Uri(System.IO.Path.GetFullPath(htmlFile)).AbsoluteUri })
                psi.ArgumentList.Add(arg);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string dom = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(timeoutMs))
            {
                p.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish within {timeoutMs} ms");
            }
            Assert.True(p.ExitCode == 0, $"chromium exited with {p.ExitCode}: {stderr.Result}");
            return dom;
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } // chromium may still hold a lock file
        }
    }
}
