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

    // Chunk c of `parts` equal slices of [0, count).
    private sealed class Chunks(int count, int parts, Action<int, int> body) : IParallelJob
    {
        public void Run(int part) => body((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
    }
}
