using Scratchgen.Backends.Cpu;

namespace Scratchgen.Tests.Backends;

/// <summary>The Cpu backend's fork-join team (WorkerTeam.cs): every part runs exactly once, jobs posted
/// back to back (faster than a worker falls asleep, and slower) are never lost, a nested or concurrent
/// call is refused rather than deadlocking, a part's exception reaches the caller, and a work-sharing job's
/// part that has not started when the caller is done is withdrawn, never run late.</summary>
public class WorkerTeamTests
{
    // Counts how often each part ran, and on which thread.
    private sealed class CountingJob(int parts) : IParallelJob
    {
        public readonly int[] Runs = new int[parts];
        public readonly int[] Threads = new int[parts];

        public void Run(int part)
        {
            Interlocked.Increment(ref Runs[part]);
            Threads[part] = Environment.CurrentManagedThreadId;
        }
    }

    private static bool RunOrSerial(IParallelJob job, int parts)
    {
        if (WorkerTeam.TryRun(job, parts)) return true;
        for (int p = 0; p < parts; p++) job.Run(p);
        return false;
    }

    [MultiCoreFact]
    public void EveryPartRunsOnce_OverManyBackToBackJobs()
    {
        int parts = WorkerTeam.Size;
        int ranInParallel = 0;
        // 20,000 jobs back to back; if another test class (they run in parallel) held the team for all of
        // them, keep posting, with pauses, until the team takes one (at most about two seconds).
        for (int j = 0; j < 20_000 || (ranInParallel == 0 && j < 21_000); j++)
        {
            if (j >= 20_000) Thread.Sleep(2);
            var job = new CountingJob(parts);
            if (RunOrSerial(job, parts)) ranInParallel++;
            Assert.All(job.Runs, r => Assert.Equal(1, r));
        }
        Assert.True(ranInParallel > 0, "the team never took a job");
    }

    // Posts the job until the team takes it (another test class may hold it: classes run in parallel), after
    // `beforeEachTry` (default: a 2 ms pause); fails if the team stayed busy for 500 tries, so the test never
    // passes without having observed the team run the job.
    private static void RunOnTeam(IParallelJob job, int parts, Action? beforeEachTry = null)
    {
        for (int attempt = 0; attempt < 500; attempt++)
        {
            if (beforeEachTry != null) beforeEachTry();
            else if (attempt > 0) Thread.Sleep(2);
            if (WorkerTeam.TryRun(job, parts)) return;
        }
        Assert.Fail("the team was busy for 500 tries: the job never ran on it");
    }

    [MultiCoreFact]
    public void JobsAfterTheWorkersFellAsleep_StillRunOnWorkers()
    {
        int parts = WorkerTeam.Size;
        for (int j = 0; j < 5; j++)
        {
            var job = new CountingJob(parts);
            RunOnTeam(job, parts, beforeEachTry: () => Thread.Sleep(WorkerTeam.SpinMicroseconds / 1000 + 20)); // past the spin: the workers block
            Assert.All(job.Runs, r => Assert.Equal(1, r));
            Assert.Equal(Environment.CurrentManagedThreadId, job.Threads[0]);
            Assert.NotEqual(job.Threads[0], job.Threads[1]);
        }
    }

    [MultiCoreFact]
    public void ANestedCall_IsRefused_AndTheOuterJobCompletes()
    {
        int parts = WorkerTeam.Size;
        var nested = new bool[parts];
        var outer = new DelegateJob(p => nested[p] = WorkerTeam.TryRun(new CountingJob(2), 2));
        RunOnTeam(outer, parts);
        Assert.All(nested, n => Assert.False(n));
    }

    [Fact]
    public void CallsFromManyThreads_AllComplete_WithEachPartOnce()
    {
        int parts = Math.Max(2, WorkerTeam.Size);
        var failures = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int j = 0; j < 2_000; j++)
            {
                var job = new CountingJob(parts);
                RunOrSerial(job, parts);
                if (job.Runs.Any(r => r != 1)) Interlocked.Increment(ref failures);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(60)), "a caller hung"));
        Assert.Equal(0, failures);
    }

    [MultiCoreFact]
    public void AWorkersException_ReachesTheCaller_AndTheTeamStaysUsable()
    {
        int parts = WorkerTeam.Size;
        var failing = new DelegateJob(p => { if (p == parts - 1) throw new InvalidOperationException($"part {p} failed"); });
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            try
            {
                if (!WorkerTeam.TryRun(failing, parts))
                {
                    Thread.Sleep(2); // another test class holds the team (classes run in parallel)
                    continue;
                }
            }
            catch (InvalidOperationException e)
            {
                Assert.Equal($"part {parts - 1} failed", e.Message);
                var after = new CountingJob(parts);
                RunOrSerial(after, parts);
                Assert.All(after.Runs, r => Assert.Equal(1, r));
                return;
            }
            Assert.Fail("the failing part's exception was swallowed");
        }
        Assert.Fail("the team was busy for 1000 attempts (two seconds and more)");
    }

    [Fact]
    public void CpuParallelFor_CoversTheRangeOnce_AtAwkwardSizes()
    {
        foreach (int count in new[] { 1, 2, 7, 33, 1000, 100_003 })
        {
            var hits = new int[count];
            CpuParallel.For(count, 1 << 10, (a, b) => { for (int i = a; i < b; i++) hits[i]++; });
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void CpuParallelForBalanced_CoversTheRangeOnce_AtAwkwardSizesAndGrains()
    {
        foreach (int count in new[] { 1, 2, 7, 33, 1000, 100_003 })
            foreach (int grain in new[] { 0, 1, 3, 64 })
            {
                var hits = new int[count];
                CpuParallel.ForBalanced(count, 1 << 10, (a, b) => { for (int i = a; i < b; i++) Interlocked.Increment(ref hits[i]); }, grain);
                Assert.True(hits.All(h => h == 1), $"count {count}, grain {grain}: an item ran {hits.Min()}..{hits.Max()} times");
            }
    }

    // The core that owns the first share stalls on its first item; the other finishes its own share and then
    // takes the rest of the first share from its far end, so the last item of that share runs on another thread.
    [MultiCoreFact]
    public void CpuParallelForBalanced_ASlowShare_IsFinishedByAnotherCore()
    {
        const int count = 200;
        int parts = CpuParallel.ChunkCount(count, 1 << 10);
        int lastOfFirstShare = count / parts - 1;
        int stolenNever = 0;
        bool stolen = false;
        for (int attempt = 0; attempt < 50 && !stolen; attempt++)
        {
            var thread = new int[count];
            CpuParallel.ForBalanced(count, 1 << 10, (a, b) =>
            {
                for (int i = a; i < b; i++)
                {
                    thread[i] = Environment.CurrentManagedThreadId;
                    if (i == 0) Thread.Sleep(100);
                }
            }, grain: 1);
            if (thread.Distinct().Count() < 2) continue; // the team was busy (another test's job): it ran serially
            // On a loaded host the other core may be descheduled for the whole 100 ms stall; try again then.
            stolen = thread[0] != thread[lastOfFirstShare];
            if (!stolen) stolenNever++;
        }
        Assert.True(stolen, $"in 50 attempts the slow share's last item never ran on another core ({stolenNever} parallel runs where the stalled core finished it itself)");
    }

    // A work-sharing job whose worker parts, if they start, take 2 ms: records which parts started and finished.
    private sealed class SharingJob(int parts) : IWorkSharingJob
    {
        public readonly int[] Started = new int[parts];
        public readonly int[] Finished = new int[parts];

        public void Run(int part)
        {
            Interlocked.Increment(ref Started[part]);
            if (part > 0) Thread.Sleep(2);
            Interlocked.Increment(ref Finished[part]);
        }
    }

    [MultiCoreFact]
    public void AWorkSharingJob_WithdrawsAPartNotYetStarted_WaitsForAStartedOne_AndNeverRunsAWithdrawnOneLater()
    {
        int parts = WorkerTeam.Size;
        var jobs = new List<(SharingJob Job, int[] StartedAtReturn)>();
        for (int j = 0; j < 40; j++)
        {
            var job = new SharingJob(parts);
            // Past the spin the workers block, so part 0 (instant) mostly returns before a worker wakes.
            RunOnTeam(job, parts, beforeEachTry: () => Thread.Sleep(WorkerTeam.SpinMicroseconds / 1000 + 20));
            int[] started = Enumerable.Range(0, parts).Select(p => Volatile.Read(ref job.Started[p])).ToArray();
            Assert.Equal(1, started[0]);
            for (int p = 1; p < parts; p++)
            {
                Assert.InRange(started[p], 0, 1);
                Assert.Equal(started[p], Volatile.Read(ref job.Finished[p])); // a started part was waited for
            }
            jobs.Add((job, started));
        }
        Thread.Sleep(50);
        foreach (var (job, started) in jobs)
            Assert.Equal(started, job.Started); // a withdrawn part never ran after the job returned
        Assert.True(jobs.Any(x => x.StartedAtReturn.Skip(1).Contains(0)), "no part was ever withdrawn in 40 jobs posted to sleeping workers");
    }

    private sealed class DelegateJob(Action<int> run) : IParallelJob
    {
        public void Run(int part) => run(part);
    }
}
