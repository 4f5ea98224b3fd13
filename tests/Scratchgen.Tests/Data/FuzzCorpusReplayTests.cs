using Scratchgen.Tests.Support;
using Scratchgen.Fuzz;

namespace Scratchgen.Tests.Data;

/// <summary>
/// Replays every saved fuzzing input (tests/Scratchgen.Fuzz/corpus/TARGET/: the seeds plus what AFL
/// found reaching new code, see tests/Scratchgen.Fuzz/fuzz.sh) through the same targets the harness
/// fuzzes: each must be accepted or refused with a typed error (DataFormatException or
/// CheckpointFormatException), never crash, and finish (a 10 s hang guard; on a quiet machine each takes
/// milliseconds).
/// </summary>
public sealed class FuzzCorpusReplayTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(1);

    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    private static string CorpusDir(string target)
    {
        return RepoPaths.Under("tests", "Scratchgen.Fuzz", "corpus", target);
    }

    [Theory, MemberData(nameof(Targets))]
    public async Task EverySavedInput_IsAcceptedOrRefusedWithATypedError_Quickly(string target)
    {
        var files = Directory.GetFiles(CorpusDir(target));
        Assert.True(files.Length >= 2, $"the {target} corpus holds {files.Length} inputs: seeds missing?");
        int accepted = 0;
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var run = Task.Run(() => FuzzTargets.Run(target, bytes));
            var first = await Task.WhenAny(run, Task.Delay(PerInput * 10));
            // A hang guard, not a speed bar (on a quiet machine every input takes milliseconds; speed is for
            // benchmarks, and a tighter wall-clock bound would flake on the shared 2-core CI host).
            Assert.True(first == run, $"{target}: {Path.GetFileName(file)} did not finish within {PerInput.TotalSeconds * 10:F0} s (a hang)");
            if (await run) accepted++;
        }
        // The seeds are valid files: a parser that refused everything would pass the loop above.
        Assert.True(accepted >= 1, $"{target}: none of the {files.Length} inputs was accepted");
    }
}
