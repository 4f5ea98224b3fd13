namespace Scratchgen.Backends.Cpu;

/// <summary>Fork-join over the cores with a fixed partition: [0, count) is cut into at most one
/// contiguous chunk per core, so a given size always splits the same way (results are deterministic)
/// and small jobs stay on the calling thread. The chunks run on <see cref="WorkerTeam"/> (the threads
/// the GEMM uses too), or one after another on the caller while the team is busy.</summary>
internal static class CpuParallel
{
    public static readonly int Threads = WorkerTeam.Size;

    /// <summary>Runs body(start, end) over chunks of [0, count); parallel only when count * costPerItem
    /// reaches <paramref name="minWork"/> (about 32K cheap operations: below that, waking a thread costs more).</summary>
    public static void For(int count, long costPerItem, Action<int, int> body, long minWork = 1 << 15)
    {
        int chunks = (int)Math.Min(Threads, Math.Max(1, count * costPerItem / minWork));
        chunks = Math.Min(chunks, count);
        if (chunks <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        var job = new Chunks(count, chunks, body);
        if (!WorkerTeam.TryRun(job, chunks))
            for (int c = 0; c < chunks; c++) job.Run(c);
    }

    /// <summary>Number of chunks <see cref="For"/> would use (for callers that keep per-chunk partials).</summary>
    public static int ChunkCount(int count, long costPerItem, long minWork = 1 << 15) =>
        Math.Min(count, (int)Math.Min(Threads, Math.Max(1, count * costPerItem / minWork)));

    /// <summary>Runs body(start, end) over [0, count) like <see cref="For"/>, each core starting on the same
    /// contiguous share, front to back; a core that finishes its share then takes what is left of the others',
    /// from their far ends. A core the host slows down (a shared machine) thus hands its tail to the other
    /// instead of keeping it waiting at the join, while each core still works mostly on the data its share
    /// of the previous op wrote; a worker that has not started by the time the caller runs out of items is not
    /// waited for (<see cref="IWorkSharingJob"/>). The body is called on runs of up to <paramref name="grain"/> items (0: about
    /// 16 runs per share); which core runs an item varies from call to call, so the items must not depend on
    /// each other (each writes only its own outputs).</summary>
    public static void ForBalanced(int count, long costPerItem, Action<int, int> body, int grain = 0, long minWork = 1 << 15)
    {
        int parts = ChunkCount(count, costPerItem, minWork);
        if (parts <= 1)
        {
            if (count > 0) body(0, count);
            return;
        }
        var job = new Shares(count, parts, grain > 0 ? grain : Math.Max(1, count / (parts * 16)), body);
        if (!WorkerTeam.TryRun(job, parts))
            for (int c = 0; c < parts; c++) job.Run(c);
    }

    // ForBalanced's shares: share p holds the runs [lo, hi) not yet taken, packed in one long (lo in the low
    // half), so that its owner (taking from lo) and the others (taking from hi) agree by compare-and-swap.
    // One cache line per share.
    private sealed class Shares : IWorkSharingJob
    {
        private const int Stride = 8; // longs per cache line
        private readonly long[] _runs;
        private readonly int _count, _parts, _grain;
        private readonly Action<int, int> _body;

        public Shares(int count, int parts, int grain, Action<int, int> body)
        {
            (_count, _parts, _grain, _body) = (count, parts, grain, body);
            int runs = (count + grain - 1) / grain;
            _runs = new long[parts * Stride];
            for (int p = 0; p < parts; p++)
                _runs[p * Stride] = Pack((int)((long)runs * p / parts), (int)((long)runs * (p + 1) / parts));
        }

        public void Run(int part)
        {
            while (Take(part, fromFront: true) is int own)
                RunItems(own);
            for (int d = 1; d < _parts; d++)
                while (Take((part + d) % _parts, fromFront: false) is int stolen)
                    RunItems(stolen);
        }

        private void RunItems(int run) => _body(run * _grain, Math.Min(_count, (run + 1) * _grain));

        private int? Take(int share, bool fromFront)
        {
            ref long slot = ref _runs[share * Stride];
            while (true)
            {
                long seen = Volatile.Read(ref slot);
                int lo = (int)seen, hi = (int)(seen >> 32);
                if (lo >= hi) return null;
                long next = fromFront ? Pack(lo + 1, hi) : Pack(lo, hi - 1);
                if (Interlocked.CompareExchange(ref slot, next, seen) == seen)
                    return fromFront ? lo : hi - 1;
            }
        }

        private static long Pack(int lo, int hi) => (long)hi << 32 | (uint)lo;
    }

    // Chunk c of `parts` equal slices of [0, count).
    private sealed class Chunks(int count, int parts, Action<int, int> body) : IParallelJob
    {
        public void Run(int part) => body((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
    }
}
