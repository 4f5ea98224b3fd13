namespace Scratchgen.Backends.Cpu.Gemm;

// Fork-join for V3: thread 0 is the caller, threads 1.. are dedicated background workers (one per
// extra core, started on first use). Parallel.For was measured first and lost: for sub-millisecond
// GEMMs the calling thread often ran every iteration itself before a pool thread woke up.
// Workers spin briefly (ManualResetEventSlim) before blocking, so back-to-back GEMMs (a training
// step) wake them in microseconds. One GEMM owns the workers and the shared pack buffers at a time;
// a concurrent caller (tests running in parallel, say) gets false and runs on its own thread.
internal static partial class CpuGemm
{
    private static unsafe class GemmThreads
    {
        private static readonly Lock s_init = new();
        private static Worker[]? s_workers;
        private static SharedPackBuffers? s_shared;
        private static int s_busy;

        internal static bool TryRun(GemmJob job, int threads, bool splitN)
        {
            if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
                return false;
            try
            {
                (Worker[] workers, SharedPackBuffers shared) = Init();
                threads = Math.Min(threads, workers.Length + 1);
                if (threads <= 1)
                    return false;
                var barrier = new SpinBarrier(threads);
                var work = new WorkItem(job, threads, splitN, shared.First, shared.Second, barrier);
                for (int t = 1; t < threads; t++)
                    workers[t - 1].Start(work, t);
                work.Run(0);
                for (int t = 1; t < threads; t++)
                    workers[t - 1].Wait();
                return true;
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        private static (Worker[], SharedPackBuffers) Init()
        {
            lock (s_init)
            {
                s_workers ??= Enumerable.Range(1, Math.Max(0, Environment.ProcessorCount - 1))
                    .Select(i => new Worker(i)).ToArray();
                s_shared ??= new SharedPackBuffers();
                return (s_workers, s_shared);
            }
        }
    }

    // What every thread of one GEMM runs; thread t differs only in its index.
    private sealed unsafe class WorkItem(GemmJob job, int count, bool splitN, float* shared0, float* shared1, SpinBarrier barrier)
    {
        internal void Run(int t)
        {
            if (splitN)
                job.RunSplitN(t, count, shared0, shared1, barrier);
            else
                job.RunSplitM(t, count, shared0, shared1, barrier);
        }
    }

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

    private sealed class Worker
    {
        private const int SpinCount = 2000;
        private readonly ManualResetEventSlim _start = new(false, SpinCount);
        private readonly ManualResetEventSlim _done = new(false, SpinCount);
        private WorkItem? _work;
        private int _index;

        internal Worker(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"CpuGemm worker {index}" }.Start();
        }

        internal void Start(WorkItem work, int index)
        {
            (_work, _index) = (work, index);
            _start.Set();
        }

        internal void Wait()
        {
            _done.Wait();
            _done.Reset();
        }

        // The GEMM loops allocate nothing and throw nothing on valid input; an exception here would be
        // a bug, and is left to crash the process rather than hang the caller at a barrier.
        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                _start.Reset();
                _work!.Run(_index);
                _work = null;
                _done.Set();
            }
        }
    }
}
