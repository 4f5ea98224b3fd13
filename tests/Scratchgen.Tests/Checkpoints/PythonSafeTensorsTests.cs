using System.Diagnostics;
using Scratchgen.Checkpoints;

namespace Scratchgen.Tests.Checkpoints;

/// <summary>Skips, with the reason, unless /usr/bin/python3 can import safetensors and numpy.</summary>
public sealed class PythonSafeTensorsFactAttribute : FactAttribute
{
    public PythonSafeTensorsFactAttribute()
    {
        if (!PythonSafeTensors.Available) Skip = "Python's safetensors package is not importable by /usr/bin/python3 (Debian 12 does not package it)";
    }
}

internal static class PythonSafeTensors
{
    public const string Python = "/usr/bin/python3";

    public static readonly bool Available = File.Exists(Python) && Run("import safetensors.numpy, numpy", out _) == 0;

    public static int Run(string code, out string output)
    {
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(code);
        using var p = Process.Start(psi)!;
        output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000)) { p.Kill(); return -1; }
        return p.ExitCode;
    }
}

public sealed class PythonSafeTensorsTests
{
    [PythonSafeTensorsFact]
    public void PythonReadsOurFile_AndWritesTheSameBytes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "scratchgen-tests", Guid.NewGuid().ToString("N"));
        var ours = Path.Combine(dir, "ours.safetensors");
        var theirs = Path.Combine(dir, "theirs.safetensors");
        SafeTensors.Write(ours, new Dictionary<string, TensorEntry>
        {
            ["w"] = TensorEntry.F32([1f, -2f, 3.5f, 0.25f, 5f, 6f], 2, 3),
            ["b"] = TensorEntry.F32([0.5f], 1),
            ["step"] = TensorEntry.I64([42L], 1),
        }, new Dictionary<string, string> { ["format"] = "pt" });
        int rc = PythonSafeTensors.Run(
            "from safetensors.numpy import load_file, save_file\n" +
            "from safetensors import safe_open\n" +
            $"t = load_file({Quote(ours)})\n" +
            "assert t['w'].tolist() == [[1.0, -2.0, 3.5], [0.25, 5.0, 6.0]], t['w']\n" +
            "assert t['step'].tolist() == [42]\n" +
            $"with safe_open({Quote(ours)}, framework='np') as f: assert f.metadata() == {{'format': 'pt'}}\n" +
            $"save_file(t, {Quote(theirs)}, metadata={{'format': 'pt'}})\n", out var output);
        Assert.True(rc == 0, output);
        Assert.Equal(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
    }

    private static string Quote(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
