using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Applications;

/// <summary>The picture of an anomaly run: the <c>count</c> highest-scoring images above their
/// reconstructions, then the lowest-scoring ones above theirs, each block under a caption.</summary>
internal static class AnomalyPicture
{
    public static Raster Render(GenerativeModel model, Dataset data, double[] scores, int count = 10, int scale = 2)
    {
        var byScore = Enumerable.Range(0, data.Count).OrderByDescending(i => scores[i]).ToArray();
        count = Math.Min(count, data.Count);
        var most = Block(model, data, byScore[..count], count, scale);
        var least = Block(model, data, byScore[^count..].Reverse().ToArray(), count, scale);
        const int caption = 16;
        var r = new Raster(Math.Max(most.Width, least.Width), 2 * caption + most.Height + least.Height, Rgb.White);
        BitmapFont.Draw(r, "most anomalous, reconstructions below", 4, 4, Rgb.Black);
        r.Blit(most, 0, caption);
        BitmapFont.Draw(r, "least anomalous, reconstructions below", 4, caption + most.Height + 4, Rgb.Black);
        r.Blit(least, 0, 2 * caption + most.Height);
        return r;
    }

    // Originals in one row, their reconstructions in the next.
    private static Raster Block(GenerativeModel model, Dataset data, int[] indices, int columns, int scale)
    {
        var picked = AnomalyDetection.Pick(data, indices, "picked");
        var batch = new BatchIterator(picked, picked.Count, new Rng(0), model.Options.Backend, shuffle: false).Next();
        bool wasTraining = model.Training;
        model.Eval();
        Tensor recon;
        try
        {
            using var _ = GradMode.NoGrad();
            recon = model.Reconstruct(batch.Images);
        }
        finally { model.Train(wasTraining); }
        return SampleGrid.Render(Ops.TensorShape.Concat([batch.Images, recon], 0), model.Range, columns, scale: scale);
    }
}
