using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>
/// A small real-vs-generated classifier, trained with the engine's own Nn and Optim:
///   x (N, C, H, W) in [0, 1] -> Conv C->16 4x4/2 LeakyReLU(0.2) -> Conv 16->32 4x4/2 LeakyReLU(0.2)
///   -> Flatten -> Linear 32 (H/4)(W/4) -> 1 logit (high = generated)
/// trained by Adam (lr 1e-3) on BCE with logits. Strided convolutions see local texture (checkerboard
/// patterns, speckle) that generators leave, which a pixel MLP would have to learn position by position.
/// </summary>
internal sealed class SyntheticImageDetector
{
    private readonly Sequential _net;
    private readonly Adam _adam;
    private readonly IBackend _backend;
    private readonly int[] _imageShape;

    public SyntheticImageDetector(int channels, int height, int width, ulong seed, IBackend? backend = null)
    {
        if (height % 4 != 0 || width % 4 != 0) throw new ArgumentException($"the detector needs image sides divisible by 4, got {height}x{width}");
        _backend = backend ?? Backend.Default;
        _imageShape = [channels, height, width];
        var rng = new Rng(seed);
        _net = new Sequential(
            new Conv2d(channels, 16, 4, rng, stride: 2, padding: 1, backend: _backend), new LeakyRelu(0.2),
            new Conv2d(16, 32, 4, rng, stride: 2, padding: 1, backend: _backend), new LeakyRelu(0.2),
            new Flatten(), new Linear(32 * (height / 4) * (width / 4), 1, rng, backend: _backend));
        _adam = new Adam(_net.Parameters(), 1e-3);
    }

    private int ImageSize => _imageShape[0] * _imageShape[1] * _imageShape[2];

    /// <summary>Trains on images (row-major N x C x H x W, values in [0, 1]) labelled generated (true) or real.
    /// Returns the mean training loss of the last epoch.</summary>
    public double Train(float[] images, bool[] generated, int epochs, int batchSize, Rng rng)
    {
        int n = generated.Length;
        if (images.Length != n * ImageSize) throw new ArgumentException($"detector: {n} labels need {n * ImageSize} values, got {images.Length}");
        double lastEpochLoss = double.NaN;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = Enumerable.Range(0, n).ToArray();
            rng.Shuffle<int>(order);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                var idx = order.AsSpan(start, Math.Min(batchSize, n - start)).ToArray();
                var (x, y) = Batch(images, generated, idx);
                var loss = Loss.BceWithLogits(_net.Forward(x), y);
                _adam.ZeroGrad();
                loss.Backward();
                _adam.Step();
                sum += loss.Item();
                batches++;
            }
            lastEpochLoss = sum / batches;
        }
        return lastEpochLoss;
    }

    /// <summary>Logits (high = generated) for images, row-major N x C x H x W in [0, 1].</summary>
    public double[] Score(float[] images, int batchSize = 256)
    {
        int n = images.Length / ImageSize;
        var scores = new double[n];
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            var x = Tensor.FromArray(images.AsSpan(start * ImageSize, count * ImageSize).ToArray(), [count, .. _imageShape], _backend);
            var logits = _net.Forward(x).ToArray();
            for (int i = 0; i < count; i++) scores[start + i] = logits[i];
        }
        return scores;
    }

    private (Tensor X, Tensor Y) Batch(float[] images, bool[] generated, int[] idx)
    {
        var x = new float[idx.Length * ImageSize];
        var y = new float[idx.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            images.AsSpan(idx[i] * ImageSize, ImageSize).CopyTo(x.AsSpan(i * ImageSize));
            y[i] = generated[idx[i]] ? 1f : 0f;
        }
        return (Tensor.FromArray(x, [idx.Length, .. _imageShape], _backend), Tensor.FromArray(y, [idx.Length, 1], _backend));
    }
}
