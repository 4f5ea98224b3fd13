namespace Scratchgen.Backends.Cpu.Gemm;

// Fork-join for V3: the parts of one GEMM run on WorkerTeam (the caller is thread 0, the team's
// dedicated workers the others; Parallel.For was measured first and lost: for sub-millisecond GEMMs the
// calling thread often ran every iteration itself before a pool thread woke up). Holding the team also
// gives the GEMM the shared pack buffers; a caller that finds the team busy (tests running in parallel,
// say) gets false and runs on its own thread with its own buffers.
internal static partial class CpuGemm
{
    private static unsafe class GemmThreads
    {
        private static readonly Lock s_init = new();
        private static SharedPackBuffers? s_shared;

        internal static bool TryRun(GemmJob job, int threads, GemmSplit split)
        {
            threads = Math.Min(threads, WorkerTeam.Size);
            if (threads <= 1)
                return false;
            var shared = Shared();
            return WorkerTeam.TryRun(new WorkItem(job, threads, split, shared.First, shared.Second, new SpinBarrier(threads)), threads);
        }

        private static SharedPackBuffers Shared()
        {
            if (Volatile.Read(ref s_shared) is { } ready) return ready;
            lock (s_init)
                return s_shared ??= new SharedPackBuffers();
        }
    }

    // What every thread of one GEMM runs; thread t differs only in its index.
    private sealed unsafe class WorkItem(GemmJob job, int count, GemmSplit split, float* shared0, float* shared1, SpinBarrier barrier) : IParallelJob
    {
        private readonly ChunkCounter _chunks = new();

        public void Run(int t)
        {
            switch (split)
            {
                case GemmSplit.ColumnChunks: job.RunColumnChunks(t, count, shared0, barrier, _chunks); break;
                case GemmSplit.N: job.RunSplitN(t, count, shared0, shared1, barrier); break;
                default: job.RunSplitM(t, count, shared0, shared1, barrier); break;
            }
        }
    }

    // How the threads of one GEMM share C: fixed column halves (RunSplitN), fixed row halves (RunSplitM), or
    // column chunks taken one at a time after A is packed whole (RunColumnChunks).
    internal enum GemmSplit { N, M, ColumnChunks }

    // All `count` threads call SignalAndWait(g) for g = 0, 1, 2, ...; call g returns once every thread
    // has made it. Spins (yielding when told to), since the waits are microseconds between packs.
    internal sealed class SpinBarrier(int count)
    {
        private int _arrived;

        internal void SignalAndWait(int generation)
        {
            Interlocked.Increment(ref _arrived);
            int target = (generation + 1) * count;
            var spin = new SpinWait();
            while (Volatile.Read(ref _arrived) < target)
                spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
