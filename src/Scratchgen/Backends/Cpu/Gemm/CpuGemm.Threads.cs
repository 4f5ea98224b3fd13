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
            IParallelJob work = split == GemmSplit.ColumnChunks
                ? new ColumnChunksItem(job, threads, shared, new ColumnChunkClaims(job.M, job.K, job.MR))
                : new WorkItem(job, threads, split, shared.First, shared.Second, new SpinBarrier(threads));
            return WorkerTeam.TryRun(work, threads);
        }

        private static SharedPackBuffers Shared()
        {
            if (Volatile.Read(ref s_shared) is { } ready) return ready;
            lock (s_init)
                return s_shared ??= new SharedPackBuffers();
        }
    }

    // What every thread of one GEMM with fixed halves runs; thread t differs only in its index.
    private sealed unsafe class WorkItem(GemmJob job, int count, GemmSplit split, float* shared0, float* shared1, SpinBarrier barrier) : IParallelJob
    {
        public void Run(int t)
        {
            if (split == GemmSplit.N) job.RunSplitN(t, count, shared0, shared1, barrier);
            else job.RunSplitM(t, count, shared0, shared1, barrier);
        }
    }

    // The column-chunk schedule: every thread takes chunks until none is left, so a worker that has not
    // started when the caller runs out of chunks is not waited for (IWorkSharingJob).
    private sealed unsafe class ColumnChunksItem(GemmJob job, int count, SharedPackBuffers shared, ColumnChunkClaims claims) : IWorkSharingJob
    {
        // Every part asks for the buffer while this job holds the team; the first may grow it, the others then
        // get the same one (SharedPackBuffers.WholeA).
        public void Run(int t) => job.RunColumnChunks(count, shared.WholeA(job.PackedAFloats), claims);
    }

    // How the threads of one GEMM share C: fixed column halves (RunSplitN), fixed row halves (RunSplitM), or
    // column chunks taken one at a time, A packed whole by the threads that need it (RunColumnChunks).
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
