using System.Diagnostics;
using System.Text;

namespace Scratchgen.Tests.Support;

/// <summary>Runs the `scratchgen` CLI (Scratchgen.Cli.dll, built beside the tests) in a child process,
/// for what only a fresh process shows: resume across processes, signals, memory limits.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly Lock _gate = new();

    private CliProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, string? workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Scratchgen.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        if (env != null)
            foreach (var (k, v) in env) info.Environment[k] = v;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, error: true);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Append(string? line, bool error = false)
    {
        if (line == null) return;
        lock (_gate)
        {
            _output.AppendLine(line);
            if (error) _errors.AppendLine(line);
        }
    }

    public int Id => _process.Id;

    /// <summary>The runtime's own JIT defaults (tiered, quick JIT for loops), for tests of many short commands
    /// (help, refusals): the CLI compiles everything fully optimised up front, which suits training runs
    /// but costs each short command about a third more start-up time.</summary>
    public static IReadOnlyDictionary<string, string> QuickStart { get; } = new Dictionary<string, string>
    {
        ["DOTNET_TieredCompilation"] = "1", ["DOTNET_TC_QuickJitForLoops"] = "1", ["DOTNET_TieredPGO"] = "0",
    };

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get { lock (_gate) return _output.ToString(); }
    }

    /// <summary>Starts the command; <paramref name="workingDirectory"/> null: the test's own.</summary>
    /// <summary>Text with every run of whitespace made one space: the console wraps long lines at its width.</summary>
    public static string Flat(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>What the process wrote to stderr so far.</summary>
    public string Errors
    {
        get { lock (_gate) return _errors.ToString(); }
    }

    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null) =>
        new(args, env, workingDirectory);

    /// <summary>Runs to the end; fails the test (killing the process) after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null,
        string? workingDirectory = null)
    {
        using var p = Start(args, env, workingDirectory);
        return (p.WaitForExit(timeout), p.Output);
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scratchgen did not finish within {timeout.TotalSeconds:F0} s; its output:\n{Output}");
        }
        _process.WaitForExit(); // drain the output handlers
        return _process.ExitCode;
    }

    /// <summary>Waits until the output contains <paramref name="text"/>.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > timeout)
                throw new TimeoutException($"scratchgen never printed '{text}' (exited: {_process.HasExited}); its output:\n{Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Sends a POSIX signal (e.g. "TERM") with the system's kill command.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
