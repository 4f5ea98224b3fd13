using BenchmarkDotNet.Attributes;
using Scratchgen.Backends.Cpu;

namespace Scratchgen.Bench;

// The fork-join the Cpu backend's kernels share (Backends/Cpu/WorkerTeam.cs): what one parallel call
// costs beyond its work. EmptyJob: post a job of one part per core and wait for it; the worker is
// awake (jobs back to back), as inside a training step. ChunkedFor: CpuParallel.For over 64K
// elements with a trivial body, the smallest size it splits.
public class WorkerTeamBench
{
    private sealed class Empty : IParallelJob
    {
        public void Run(int part) { }
    }

    private readonly Empty _empty = new();
    private readonly float[] _data = new float[1 << 16];

    [Benchmark(Baseline = true)]
    public bool EmptyJob() => WorkerTeam.TryRun(_empty, WorkerTeam.Size);

    [Benchmark]
    public void ChunkedFor() => CpuParallel.For(_data.Length, 1, (i0, i1) => _data.AsSpan(i0, i1 - i0).Fill(1f));
}
