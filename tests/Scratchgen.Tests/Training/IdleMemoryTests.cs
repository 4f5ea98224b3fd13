using Scratchgen.Backends;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Tests.Training;

/// <summary>Pooled memory handed back between phases of other shapes (IdleMemory): when, and only then.</summary>
public sealed class IdleMemoryTests
{
    [Fact]
    public void SizeChange_IsSignalledOnceBeforeTheShorterBatch()
    {
        var seen = new List<string>();
        foreach (int n in IdleMemory.OnSizeChange([4, 4, 4, 2], n => n, () => seen.Add("changed")))
            seen.Add(n.ToString());
        Assert.Equal(["4", "4", "4", "changed", "2"], seen);
    }

    [Fact]
    public void EqualSizes_AreNotSignalled()
    {
        int changes = 0;
        var all = IdleMemory.OnSizeChange([3, 3, 3], n => n, () => changes++).ToList();
        Assert.Equal([3, 3, 3], all);
        Assert.Equal(0, changes);
    }

    [Fact]
    public void Release_KeepsSmallPools_AndEmptiesLargeOnes()
    {
        var small = new FakePool(IdleMemory.KeepBelowBytes - 1);
        Assert.False(IdleMemory.Release(small));
        Assert.Equal(IdleMemory.KeepBelowBytes - 1, small.PooledBytes);

        var large = new FakePool(IdleMemory.KeepBelowBytes);
        Assert.True(IdleMemory.Release(large));
        Assert.Equal(0, large.PooledBytes);

        Assert.False(IdleMemory.Release((IPooledMemory?)null));
    }

    [Fact]
    public void HostPool_Clear_DropsHeldArrays_SoTheNextRentIsFresh()
    {
        var pool = new HostArrayPool("test", 1L << 20);
        var a = pool.Rent(100);
        pool.Return(a);
        Assert.Equal(400, pool.HeldBytes);
        Assert.Same(a, pool.Rent(100));
        pool.Return(a);
        long misses = pool.Misses;
        pool.Clear();
        Assert.Equal(0, pool.HeldBytes);
        var b = pool.Rent(100);
        Assert.NotSame(a, b);
        Assert.Equal(misses + 1, pool.Misses);
        Assert.Equal(400, pool.OutstandingBytes);
    }

    private sealed class FakePool(long bytes) : IPooledMemory
    {
        public long PooledBytes { get; private set; } = bytes;

        public void ReleasePooled() => PooledBytes = 0;
    }
}
