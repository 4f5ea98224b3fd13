using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>A discriminator that reads the label beside the image.</summary>
public interface ILabelledCritic
{
    /// <summary>Logits (N, 1) for inputs x and their labels (N).</summary>
    Tensor Forward(Tensor x, int[] labels);
}

/// <summary>
/// The projection discriminator (Miyato and Koyama, 2018): D's features phi(x) (N, F) feed an unconditional
/// linear head and, projected on a learned embedding of the label, a conditional term:
///   D(x, y) = w^T phi(x) + b + e_y^T phi(x)          e_y = row y of the embedding E (classes, F)
/// The label decides which direction of feature space counts as real, so a generator that ignores the label
/// is told apart by D; appending a one-hot code to D's input instead lets D ignore the label as well.
/// </summary>
public sealed class ProjectionDiscriminator : Layer, ILabelledCritic
{
    /// <summary>A critic that scores head(features(x)) + &lt;embedding(label), features(x)&gt;.</summary>
    public ProjectionDiscriminator(Layer features, Linear head, Embedding embedding)
    {
        Features = Child("features", features);
        Head = Child("head", head);
        LabelEmbedding = Child("embedding", embedding);
    }

    /// <summary>Image to feature vector.</summary>
    public Layer Features { get; }
    /// <summary>Feature vector to the unconditional score.</summary>
    public Linear Head { get; }
    /// <summary>One vector per class, projected onto the features.</summary>
    public Embedding LabelEmbedding { get; }

    /// <inheritdoc/>
    public override bool MixesSamples => Features.MixesSamples;

    /// <summary>One score per sample (N, 1) for images <paramref name="x"/> with their <paramref name="labels"/>.</summary>
    public Tensor Forward(Tensor x, int[] labels)
    {
        var phi = Features.Forward(x);                                      // (N, F)
        var projection = phi.Mul(LabelEmbedding.Forward(labels)).Sum(1, keepdim: true); // (N, 1)
        return Head.Forward(phi).Add(projection);
    }

    /// <summary>D needs the label: call <see cref="Forward(Tensor, int[])"/>.</summary>
    public override Tensor Forward(Tensor x) =>
        throw new InvalidOperationException("the projection discriminator needs the labels: Forward(x, labels)");
}
