using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>Held-out losses: a model's Evaluate averaged over a whole dataset, weighted by batch size,
/// in evaluation mode (batch norm uses its running statistics), in a fixed order. Each batch runs in
/// its own <see cref="MemoryScope"/>, as a training step does: without one, every evaluation batch
/// left its tensors to the garbage collector, and the DCGAN's peak memory doubled (403 MB while
/// training, 1.1 GB after its first evaluation; `bench models --model dcgan`).</summary>
public static class HeldOut
{
    /// <summary>The model's Evaluate losses averaged over all of <paramref name="data"/> in batches of <paramref name="batchSize"/>, in evaluation mode and without gradients.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(GenerativeModel model, Dataset data, int batchSize)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            var it = new BatchIterator(data, Math.Min(batchSize, data.Count), new Rng(0), model.Options.Backend,
                scaleToSymmetric: model.Range == PixelRange.MinusOneToOne, shuffle: false);
            var sums = new Dictionary<string, double>();
            int count = 0;
            foreach (var batch in MemoryScope.PerItem(IdleMemory.ReleasedOnSizeChange(it.EpochBatches(), b => b.Size, model.Options.ResolvedBackend), model.PersistentTensors))
            {
                foreach (var (k, v) in model.Evaluate(batch.Images, batch.Labels)) sums[k] = sums.GetValueOrDefault(k) + v * batch.Size;
                count += batch.Size;
            }
            return sums.ToDictionary(kv => kv.Key, kv => kv.Value / count);
        }
        finally { model.Train(wasTraining); }
    }
}
