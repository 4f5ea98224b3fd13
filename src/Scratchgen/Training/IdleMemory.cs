using Scratchgen.Backends;

namespace Scratchgen.Training;

/// <summary>
/// Hands a backend's pooled memory back between phases of work of different shapes. The pool keeps
/// arrays by exact length, which is what repeated training steps ask for; but the epoch's last, shorter
/// batch, held-out evaluation (and its own last batch) and the pictures each ask for lengths of their
/// own, and each would add its own set of arrays to the process's peak memory. Released between phases,
/// the idle arrays go to the collector, and a full collection makes their memory the next phase's.
/// </summary>
internal static class IdleMemory
{
    /// <summary>Pools smaller than this are kept: re-allocating them would cost more time than they hold
    /// in memory (the MLP models' pools stay below it).</summary>
    public const long KeepBelowBytes = 64L << 20;

    /// <summary>Releases <paramref name="backend"/>'s pool when it holds at least <see cref="KeepBelowBytes"/>;
    /// true when it did.</summary>
    public static bool Release(IBackend backend) => Release(backend as IPooledMemory);

    internal static bool Release(IPooledMemory? pool)
    {
        if (pool == null || pool.PooledBytes < KeepBelowBytes) return false;
        pool.ReleasePooled();
        GC.Collect();
        return true;
    }

    /// <summary>Batches in order, releasing the pool before a batch whose size differs from the previous
    /// one's (the last, shorter batch of an epoch or of an evaluation).</summary>
    public static IEnumerable<T> ReleasedOnSizeChange<T>(IEnumerable<T> batches, Func<T, int> size, IBackend backend) =>
        OnSizeChange(batches, size, () => Release(backend));

    /// <summary>Batches in order, calling <paramref name="changed"/> before a batch whose size differs from the previous one's.</summary>
    internal static IEnumerable<T> OnSizeChange<T>(IEnumerable<T> batches, Func<T, int> size, Action changed)
    {
        int previous = -1;
        foreach (var batch in batches)
        {
            int n = size(batch);
            if (previous >= 0 && n != previous) changed();
            previous = n;
            yield return batch;
        }
    }
}
