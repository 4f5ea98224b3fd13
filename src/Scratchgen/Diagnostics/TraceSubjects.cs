using Scratchgen.Backends;
using Scratchgen.Models;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>What `scratchgen trace` runs: a 2-layer MLP written out op by op, or any model of the
/// catalog built at toy sizes (1x4x4 images, latent 2, 3 classes) and stepped once on a random batch.</summary>
internal static class TraceSubjects
{
    /// <summary>
    /// A 2-8-1 MLP classifier on a batch of N points, with weight decay on the first layer:
    ///   h = tanh(x W1^T + b1)          x: (N, 2), W1: (8, 2), b1: (8)
    ///   p = h W2^T + b2                W2: (1, 8), b2: (1)   (a logit)
    ///   loss = BCE_with_logits(p, y) + 0.01 sum(W1^2)        y: (N, 1) in {0, 1}
    /// W1 is used twice (by the layer and by the decay term), so its gradient is accumulated.
    /// </summary>
    public static (Tensor Loss, Tensor[] Parameters) MlpLoss(int batch, ulong seed, IBackend backend)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "--batch must be at least 1");
        var rng = new Rng(seed);
        var x = Tensor.RandN([batch, 2], rng, backend: backend);
        x.Name = "x";
        var labels = new float[batch];
        for (int i = 0; i < batch; i++) labels[i] = i % 2;
        var y = Tensor.FromArray(labels, [batch, 1], backend);
        y.Name = "y";
        var w1 = Named(Tensor.RandN([8, 2], rng, std: 0.7, backend: backend), "W1");
        var b1 = Named(Tensor.Zeros([8], backend: backend), "b1");
        var w2 = Named(Tensor.RandN([1, 8], rng, std: 0.35, backend: backend), "W2");
        var b2 = Named(Tensor.Zeros([1], backend: backend), "b2");
        var logits = x.Linear(w1, b1).Tanh().Linear(w2, b2);
        var loss = Loss.BceWithLogits(logits, y).Add(w1.Square().Sum().Mul(0.01));
        return (loss, [w1, b1, w2, b2]);
    }

    private static Tensor Named(Tensor t, string name)
    {
        t.Name = name;
        return t.RequireGrad();
    }

    /// <summary>A catalog model at toy sizes, its parameters named by their module path.</summary>
    public static GenerativeModel TinyModel(string name, ulong seed, IBackend backend)
    {
        var options = new ModelOptions(Channels: 1, Height: 4, Width: 4, Classes: 3, LatentDim: 2, Seed: seed, Backend: backend);
        var model = ModelFactory.Create(name, options);
        foreach (var (path, p) in model.NamedParameters()) p.Name = path;
        return model;
    }

    /// <summary>A random batch for a tiny model: images (N, 1, 4, 4) in the model's pixel range, labels in [0, 3).</summary>
    public static (Tensor Images, int[] Labels) RandomBatch(GenerativeModel model, int batch, ulong seed)
    {
        var rng = new Rng(seed + 7);
        var o = model.Options;
        var images = Tensor.Rand([batch, o.Channels, o.Height, o.Width], rng, backend: o.ResolvedBackend);
        if (model.Range == Imaging.PixelRange.MinusOneToOne) images = images.Mul(2).Sub(1);
        images.Name = "images";
        var labels = Enumerable.Range(0, batch).Select(i => i % o.Classes).ToArray();
        return (images, labels);
    }
}
