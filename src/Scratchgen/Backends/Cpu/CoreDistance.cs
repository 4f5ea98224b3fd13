using System.Diagnostics;

namespace Scratchgen.Backends.Cpu;

/// <summary>
/// How far apart the cores of <see cref="WorkerTeam"/> are, as the round trip of one cache line between
/// the caller and worker 1 (the two threads take turns writing one int). On the 2-vCPU VM this project is
/// measured on it reads about 60 ns for long stretches and about 330 ns for others: the host then runs the
/// two vCPUs on different L3 domains, every value one thread wrote and the other reads crosses between
/// them, and a training step that hands data from core to core hundreds of times slows down with it (the
/// MLP GAN's steps in one process: the peers log in kernels-docs/log/, "where the host puts the two vCPUs").
/// `bench models` samples it during each epoch so that a slow epoch can be told apart from a slow engine.
/// </summary>
internal static class CoreDistance
{
    /// <summary>A round trip above this many nanoseconds counts as "cores far apart".</summary>
    public const double FarNanoseconds = 150;

    /// <summary>Mean round trip over <paramref name="exchanges"/> hand-offs (after one untimed, which waits
    /// for the worker to wake), in nanoseconds; NaN on one core or when the team is busy with another job.</summary>
    public static double RoundTripNanoseconds(int exchanges = 200)
    {
        if (WorkerTeam.Size < 2 || exchanges < 1) return double.NaN;
        var job = new PingPong(exchanges);
        return WorkerTeam.TryRun(job, 2) ? job.Nanoseconds : double.NaN;
    }

    // Part 0 waits for even values and writes the next odd one, part 1 the other way round; part 0 times the whole.
    private sealed class PingPong(int exchanges) : IParallelJob
    {
        private int _turn;

        public double Nanoseconds { get; private set; }

        public void Run(int part)
        {
            long start = 0;
            for (int i = 0; i <= exchanges; i++)
            {
                int mine = 2 * i + part;
                while (Volatile.Read(ref _turn) != mine) Thread.SpinWait(1);
                if (i == 1) start = Stopwatch.GetTimestamp(); // the first exchange includes waking the worker
                Volatile.Write(ref _turn, mine + 1);
            }
            if (part == 0) Nanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / exchanges;
        }
    }
}
