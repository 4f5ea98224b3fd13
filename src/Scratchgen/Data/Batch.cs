using Scratchgen.Tensors;

namespace Scratchgen.Data;

/// <summary>One minibatch: images [B, C, H, W] on the iterator's backend, their labels, and the
/// dataset indices they came from. Deconstructs as (images, labels).</summary>
public readonly record struct Batch(Tensor Images, int[] Labels, int[] Indices)
{
    public int Size => Labels.Length;

    public void Deconstruct(out Tensor images, out int[] labels)
    {
        images = Images;
        labels = Labels;
    }
}
