using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Scratchgen.Backends.Cpu;

/// <summary>One part of a fork-join: <see cref="Run"/> is called once for each part index
/// 0 .. parts-1, all parts at the same time on different threads (a part may wait at a barrier for
/// the others).</summary>
internal interface IParallelJob
{
    void Run(int part);
}

/// <summary>A job whose parts share its work through the job itself (a counter, shares others may take
/// from): every part takes work until none is left, so part 0 returns only when all of it has been taken.
/// A part whose worker has not started by then is withdrawn instead of waited for: a worker the host keeps
/// off its core (another process on it) then costs nothing, where a fixed part would hold the caller until
/// the host ran it. A part that has started is waited for as usual.</summary>
internal interface IWorkSharingJob : IParallelJob;

/// <summary>
/// The Cpu backend's only threads besides the caller: one dedicated worker per extra core, shared by
/// the GEMM (CpuGemm.Threads.cs) and every other parallel kernel (<see cref="CpuParallel"/>).
/// Part 0 of a job runs on the calling thread, part i on worker i. After a job a worker spins for
/// <see cref="SpinMicroseconds"/> waiting for the next one, then blocks; a training step issues its
/// parallel ops back to back, so they mostly find the worker awake.
///
/// Why one team and not the .NET thread pool beside GEMM workers (measured with dotnet-trace on the MLP
/// AE; the matmul log in kernels-docs/log/, "Threads"): with both, the GEMM's worker and four pool threads
/// took turns spinning for work on 2 cores, and the pool threads alone burnt about 3.6 of the 9.5
/// CPU-seconds of a run.
/// Here at most one thread per core is ever runnable.
///
/// One job holds the team at a time. A call made while it is held (a nested call from inside a part,
/// or another thread's call, as when tests run in parallel) gets false and runs its parts itself, in
/// order: a job's partition never depends on who runs it, so results are the same either way.
/// </summary>
internal static class WorkerTeam
{
    /// <summary>Threads a job can use: the caller plus the workers.</summary>
    public static readonly int Size = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long an idle worker polls for the next job before it blocks.</summary>
    public const int SpinMicroseconds = 200;

    private static readonly Lock s_init = new();
    private static Worker[]? s_workers;
    private static int s_held;
    private static Posting? s_posted; // the latest job; a worker runs each posting once

    /// <summary>Runs job.Run(0 .. parts-1) in parallel and returns true when every part is done (or, for an
    /// <see cref="IWorkSharingJob"/>, withdrawn before its worker started it); false
    /// (nothing run) when the team is held by another job or parts is 1 or more than <see cref="Size"/>.
    /// An exception from a worker's part is rethrown here once all parts have ended.</summary>
    public static bool TryRun(IParallelJob job, int parts)
    {
        if (parts <= 1 || parts > Size || Interlocked.CompareExchange(ref s_held, 1, 0) != 0)
            return false;
        try
        {
            var workers = Workers();
            var post = new Posting(job, parts);
            Interlocked.Exchange(ref s_posted, post); // publishes the job (full fence)
            for (int i = 1; i < parts; i++)
                workers[i - 1].Wake();

            Exception? own = null;
            try { job.Run(0); }
            catch (Exception e) { own = e; }

            if (job is IWorkSharingJob)
                for (int i = 1; i < parts; i++)
                    if (Interlocked.CompareExchange(ref post.State[i], Posting.Withdrawn, Posting.Waiting) == Posting.Waiting)
                        Interlocked.Decrement(ref post.Remaining);

            var spin = new SpinWait();
            while (Volatile.Read(ref post.Remaining) > 0)
                spin.SpinOnce(sleep1Threshold: -1);
            var failure = own ?? post.Failure;
            if (failure != null) ExceptionDispatchInfo.Throw(failure);
            return true;
        }
        finally
        {
            Volatile.Write(ref s_held, 0);
        }
    }

    private static Worker[] Workers()
    {
        if (Volatile.Read(ref s_workers) is { } ready) return ready;
        lock (s_init)
            return s_workers ??= Enumerable.Range(1, Size - 1).Select(i => new Worker(i)).ToArray();
    }

    // One job as the workers see it: parts 1.. run on workers 1.., each decrements Remaining when done.
    // State[i]: part i is Waiting for its worker, Started by it, or Withdrawn by the caller (a work-sharing
    // job's part that had not started when part 0 returned; the caller then decremented Remaining for it).
    private sealed class Posting(IParallelJob job, int parts)
    {
        public const int Waiting = 0, Started = 1, Withdrawn = 2;
        public readonly IParallelJob Job = job;
        public readonly int Parts = parts;
        public readonly int[] State = new int[parts];
        public int Remaining = parts - 1;
        public Exception? Failure;
    }

    private sealed class Worker
    {
        private readonly int _index;
        private readonly SemaphoreSlim _signal = new(0);
        private int _sleeping;

        internal Worker(int index)
        {
            _index = index;
            var current = Volatile.Read(ref s_posted); // read before the thread starts: a job posted meanwhile counts as new
            new Thread(() => Loop(current)) { IsBackground = true, Name = $"Scratchgen cpu worker {index}" }.Start();
        }

        // Called by the job's owner after it posted: if this worker went to sleep, take its sleeping
        // flag and wake it (exactly one Release per sleep).
        internal void Wake()
        {
            if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1)
                _signal.Release();
        }

        private void Loop(Posting? seen)
        {
            while (true)
            {
                if (!SpinForNextJob(seen))
                {
                    // Dekker-style hand-off with Wake: both sides do a full fence (Interlocked) between
                    // their write and their read, so either we see the new posting or Wake sees us asleep.
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref s_posted) == seen)
                        _signal.Wait();
                    else if (Interlocked.CompareExchange(ref _sleeping, 0, 1) != 1)
                        _signal.Wait(); // Wake took the flag first and released: consume it
                }
                var post = Volatile.Read(ref s_posted)!;
                seen = post;
                if (_index >= post.Parts) continue; // this job has fewer parts than there are workers
                if (Interlocked.CompareExchange(ref post.State[_index], Posting.Started, Posting.Waiting) != Posting.Waiting)
                    continue; // withdrawn: the caller finished the job's work without this part
                try { post.Job.Run(_index); }
                catch (Exception e) { Interlocked.CompareExchange(ref post.Failure, e, null); }
                Interlocked.Decrement(ref post.Remaining);
            }
        }

        private static bool SpinForNextJob(Posting? seen)
        {
            long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
            while (Volatile.Read(ref s_posted) == seen)
            {
                Thread.SpinWait(20);
                if (Stopwatch.GetTimestamp() > deadline) return false;
            }
            return true;
        }
    }
}
