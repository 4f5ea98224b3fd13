using Scratchgen.Tensors;

namespace Scratchgen.Data;

/// <summary>One minibatch: images [B, C, H, W] on the iterator's backend, their labels, and the
/// dataset indices they came from. Deconstructs as (images, labels).</summary>
/// <param name="Images">The images (B, C, H, W).</param>
/// <param name="Labels">Each image's class label.</param>
/// <param name="Indices">Each image's index in the dataset.</param>
public readonly record struct Batch(Tensor Images, int[] Labels, int[] Indices)
{
    /// <summary>The number of images in the batch (the last batch of an epoch may be smaller).</summary>
    public int Size => Labels.Length;

    /// <summary>Splits the batch into its images and labels: <c>var (x, y) = batches.Next();</c>.</summary>
    public void Deconstruct(out Tensor images, out int[] labels)
    {
        images = Images;
        labels = Labels;
    }
}
