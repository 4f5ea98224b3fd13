using Scratchgen.Tests.Support;
using System.Text.RegularExpressions;
using Scratchgen.Backends.Ilgpu.Kernels;

namespace Scratchgen.Tests.Backends;

/// <summary>
/// GPU auto-tuning picks only among rungs a GPU run has timed: every tuning candidate has a GPU row in the
/// matmul reference page (kernels-docs/matmul.md), and a rung without one stays out of tuning (selectable by
/// name) until a run measures it. When a GPU run adds a row for an untimed rung, this test asks for the rung
/// to be reviewed as a candidate.
/// </summary>
public sealed partial class MatMulTuningCandidatesTests
{
    [Fact]
    public void TuningCandidates_AreExactlyTheSameSumRungsWithAGpuTiming()
    {
        var timed = GpuTimedRungs();
        Assert.NotEmpty(timed);
        foreach (var rung in MatMulKernels.TuningCandidates)
        {
            Assert.Contains(rung, MatMulKernels.SameSums);
            Assert.True(timed.Contains(rung.ToString()), $"{rung} is a tuning candidate but kernels-docs/matmul.md has no GPU timing of it");
        }
        foreach (var rung in MatMulKernels.UntimedOnGpu)
        {
            Assert.DoesNotContain(rung, MatMulKernels.TuningCandidates);
            Assert.False(timed.Contains(rung.ToString()), $"{rung} has a GPU timing in kernels-docs/matmul.md: review it as a tuning candidate and take it off UntimedOnGpu");
            Assert.NotNull(MatMulKernels.Named(rung.ToString()));
        }
    }

    // Rung names of the table rows "| Ilgpu Vn... | ... | H100 |" (or another NVIDIA device).
    private static HashSet<string> GpuTimedRungs()
    {
        var rows = File.ReadAllLines(RepoPaths.Under("kernels-docs", "matmul.md"));
        return rows.Select(r => GpuRow().Match(r)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
    }

    [GeneratedRegex(@"^\| Ilgpu (V\d\w+) \|.*\| (H100|H200|A100|L4|RTX[^|]*) \|")]
    private static partial Regex GpuRow();
}
