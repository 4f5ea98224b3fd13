using Scratchgen.Backends;
using Scratchgen.Data;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Data;

public sealed class BatchIteratorTests
{
    private static Dataset Tiny(int n = 10)
    {
        var images = new float[n * 4];
        for (int i = 0; i < images.Length; i++) images[i] = i / 4 / (float)n; // image i is filled with i/n
        return new Dataset("tiny", images, [1, 2, 2], Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 3);
    }

    private static List<int[]> Take(BatchIterator it, int batches) =>
        Enumerable.Range(0, batches).Select(_ => it.Next().Indices).ToList();

    [Fact]
    public void AnEarlierBatch_KeepsItsImages_WhenTheIteratorMovesOn()
    {
        // The iterator gathers every batch into one staging array it reuses: each batch tensor must
        // hold its own copy.
        var it = new BatchIterator(Tiny(), 4, new Rng(3), Backend.Cpu);
        var first = it.Next();
        float[] before = first.Images.ToArray();
        var second = it.Next();
        Assert.Equal(before, first.Images.ToArray());
        Assert.Equal(second.Indices.SelectMany(i => Enumerable.Repeat(i / 10f, 4)), second.Images.ToArray());
        Assert.NotEqual(first.Images.ToArray(), second.Images.ToArray());
    }

    [Fact]
    public void Batches_CoverEachEpochOnce_WithShapesLabelsAndScaling()
    {
        var ds = Tiny();
        var it = new BatchIterator(ds, 4, new Rng(1), Backend.Cpu, scaleToSymmetric: true);
        Assert.Equal(3, it.BatchesPerEpoch);
        var seen = new List<int>();
        foreach (var (images, labels) in it.EpochBatches())
        {
            Assert.Equal(4, images.Rank);
            Assert.Equal([1, 2, 2], images.Shape[1..].ToArray());
            seen.AddRange(labels);
        }
        Assert.Equal(10, seen.Count);
        Assert.True(it.IsEpochDone);
        var batch = it.Next();
        Assert.Equal(1, it.Epoch);
        var values = batch.Images.ToArray();
        for (int b = 0; b < batch.Size; b++)
        {
            int i = batch.Indices[b];
            Assert.Equal(i % 3, batch.Labels[b]);
            Assert.Equal(i / 10f * 2f - 1f, values[b * 4], 5);
        }
    }

    [Fact]
    public void Order_IsReproducibleFromTheSeed_AndDiffersAcrossEpochsAndSeeds()
    {
        var a = Take(new BatchIterator(Tiny(), 3, new Rng(7)), 12);
        var b = Take(new BatchIterator(Tiny(), 3, new Rng(7)), 12);
        var c = Take(new BatchIterator(Tiny(), 3, new Rng(8)), 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        var epoch0 = a.Take(4).SelectMany(x => x).ToArray();
        var epoch1 = a.Skip(4).Take(4).SelectMany(x => x).ToArray();
        Assert.Equal(Enumerable.Range(0, 10), epoch0.Order());
        Assert.NotEqual(epoch0, epoch1);
    }

    [Fact]
    public void ExportImport_MidEpoch_ResumesExactly_ThroughMetadataStrings()
    {
        var straight = Take(new BatchIterator(Tiny(), 3, new Rng(99)), 11);
        var first = new BatchIterator(Tiny(), 3, new Rng(99));
        var part1 = Take(first, 6); // ends mid-epoch 1
        var meta = first.ExportState().ToMetadata();
        var resumed = new BatchIterator(Tiny(), 3, new Rng(12345));
        resumed.ImportState(BatchIteratorState.FromMetadata(meta));
        var part2 = Take(resumed, 5);
        Assert.Equal(straight, part1.Concat(part2).ToList());
    }

    [Fact]
    public void ImportState_ForAnotherDatasetSize_IsRefused()
    {
        var state = new BatchIterator(Tiny(10), 3, new Rng(1)).ExportState();
        var e = Assert.Throws<ArgumentException>(() => new BatchIterator(Tiny(12), 3, new Rng(1)).ImportState(state));
        Assert.Contains("10 images", e.Message);
    }

    [Fact]
    public void DropLast_SkipsThePartialBatch()
    {
        var it = new BatchIterator(Tiny(), 4, new Rng(3), dropLast: true);
        Assert.Equal(2, it.BatchesPerEpoch);
        Assert.Equal([4, 4], it.EpochBatches().Select(b => b.Size).ToArray());
        Assert.Equal([4, 4], it.EpochBatches().Select(b => b.Size).ToArray());
        Assert.Equal(1, it.Epoch);
    }
}
