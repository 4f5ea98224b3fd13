using Scratchgen.Autograd;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Applications;

/// <summary>What <see cref="Compression.Run"/> measures with.</summary>
/// <param name="Bits">Bits per code value to try (each from 1 to <see cref="UniformQuantiser.MaxBits"/>).</param>
/// <param name="JpegQualities">JPEG qualities to try (1-100).</param>
/// <param name="PcaTrainLimit">At most this many training images fit PCA and the quantisers' ranges.</param>
internal sealed record CompressionOptions(IReadOnlyList<int> Bits, IReadOnlyList<int> JpegQualities, int BatchSize = 250, int PcaTrainLimit = 9000, ulong Seed = 1)
{
    /// <summary>2 to 8 bits, JPEG quality 10 to 90 in steps of 10.</summary>
    public static CompressionOptions Default { get; } = new([2, 3, 4, 5, 6, 7, 8], [10, 20, 30, 40, 50, 60, 70, 80, 90]);
}

/// <summary>Everything `scratchgen compress` measured: one point per method and setting, and what each decoder weighs.</summary>
/// <param name="DecoderBytes">The model's decoder as stored (float32 parameters and buffers).</param>
/// <param name="PcaBytes">PCA's decoder: the mean and the components, float32.</param>
/// <param name="QuantiserBytes">One quantiser's ranges (two float32 per code dimension), counted with each decoder.</param>
internal sealed record CompressionResult(string Model, int LatentDim, int Images, int FitImages, long DecoderBytes, long PcaBytes, int QuantiserBytes,
    IReadOnlyList<CompressionPoint> Points);

/// <summary>
/// Lossy compression with a trained autoencoder (ae, dae) or VAE (its code is the posterior mean), beside
/// the linear and the standard codecs, on the same held-out images:
/// <list type="bullet">
/// <item>the model: code = encoder(x), each value quantised to b bits (<see cref="UniformQuantiser"/>, ranges
/// fitted on the training split's codes), packed (<see cref="BitPacking"/>), read back, decoded; and the
/// unquantised float32 code, the best the model can do;</item>
/// <item>PCA with as many components as the code, fitted on the training split, its code quantised the same way;</item>
/// <item>JPEG at each quality and lossless PNG (<see cref="ImageCodecs"/>).</item>
/// </list>
/// Every decoded image is stored as 8 bits (<see cref="ImageCodecs.ToStoredPixels"/>) before PSNR and SSIM
/// compare it with the original, as a JPEG is.
/// </summary>
internal static class Compression
{
    public static CompressionResult Run(GenerativeModel model, Dataset train, Dataset test, CompressionOptions options, Action<string>? progress = null)
    {
        if (!model.HasEncoder || model.IsConditional)
            throw new ArgumentException($"compress needs an unconditional model with an encoder (ae, dae, vae); this checkpoint holds model {model.Kind}");
        if (test.ImageShape.AsSpan().SequenceCompareTo(new[] { model.Options.Channels, model.Options.Height, model.Options.Width }) != 0)
            throw new ArgumentException($"the data's images are {string.Join("x", test.ImageShape)}, the {model.Kind} was trained on {model.Options.Channels}x{model.Options.Height}x{model.Options.Width}");
        if (test.Height < Ssim.Window || test.Width < Ssim.Window)
            throw new ArgumentException($"the data's images are {test.Height}x{test.Width}: SSIM, which compress reports, needs at least {Ssim.Window}x{Ssim.Window}");
        foreach (int b in options.Bits)
            if (b < 1 || b > UniformQuantiser.MaxBits) throw new ArgumentOutOfRangeException(nameof(options), b, $"bits per value must be from 1 to {UniformQuantiser.MaxBits}");
        var fit = train.Count > options.PcaTrainLimit ? train.Slice(0, options.PcaTrainLimit) : train;
        int latent = model.Options.LatentDim, n = test.Count;
        var points = new List<CompressionPoint>();

        progress?.Invoke($"encoding {fit.Count} training and {n} held-out images with the {model.Kind}");
        var fitCodes = Codes(model, fit, options.BatchSize);
        var testCodes = Codes(model, test, options.BatchSize);
        long decoderBytes = DecoderBytes(model);
        points.AddRange(CodePoints(model.Kind, fitCodes, testCodes, latent, test, decoderBytes, options.Bits,
            codes => Decode(model, codes, n, test.ImageSize, options.BatchSize)));

        progress?.Invoke($"PCA with {latent} components on {fit.Count} training images");
        int components = Math.Min(latent, test.ImageSize);
        var pca = Pca.Fit(fit.Images, fit.Count, fit.ImageSize, components, new Rng(options.Seed));
        long pcaBytes = (long)(components + 1) * test.ImageSize * sizeof(float);
        points.AddRange(CodePoints("pca", pca.Project(fit.Images, fit.Count), pca.Project(test.Images, n), components, test, pcaBytes, options.Bits,
            codes => pca.FromCodes(codes, n)));

        progress?.Invoke($"JPEG at {options.JpegQualities.Count} qualities and PNG");
        foreach (int q in options.JpegQualities)
            points.Add(CodecPoint("jpeg", $"quality {q}", test, image => ImageCodecs.Jpeg(image, test.Channels, test.Height, test.Width, q)));
        points.Add(CodecPoint("png", "lossless", test, image => ImageCodecs.Png(image, test.Channels, test.Height, test.Width)));
        return new CompressionResult(model.Kind, latent, n, fit.Count, decoderBytes, pcaBytes, latent * 2 * sizeof(float), points);
    }

    // A code's points: the float32 code, then each bit depth through quantiser, bit stream and decoder.
    private static IEnumerable<CompressionPoint> CodePoints(string method, float[] fitCodes, float[] testCodes, int dims, Dataset test,
        long decoderBytes, IReadOnlyList<int> bits, Func<float[], float[]> decode)
    {
        int n = test.Count;
        foreach (int b in bits)
        {
            var quantiser = UniformQuantiser.Fit(fitCodes, dims, b);
            var stream = BitPacking.Pack(quantiser.Quantise(testCodes), b);
            var decoded = decode(quantiser.Dequantise(BitPacking.Unpack(stream, testCodes.Length, b)));
            double bytes = stream.Length / (double)n;
            yield return Measure(method, $"{b} bits", b, bytes, bytes, (decoderBytes + quantiser.SideBytes) / (double)n, decoded, test);
        }
        double full = dims * sizeof(float);
        yield return Measure(method, "float32", 32, full, full, decoderBytes / (double)n, decode(testCodes), test);
    }

    private static CompressionPoint CodecPoint(string method, string setting, Dataset test, Func<ReadOnlySpan<float>, CodedImage> code)
    {
        int size = test.ImageSize;
        var decoded = new float[test.Count * size];
        long fileBytes = 0, payloadBytes = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var coded = code(test.Image(i));
            fileBytes += coded.FileBytes;
            payloadBytes += coded.PayloadBytes;
            coded.Decoded.CopyTo(decoded, i * size);
        }
        return Measure(method, setting, null, fileBytes / (double)test.Count, payloadBytes / (double)test.Count, 0, decoded, test);
    }

    private static CompressionPoint Measure(string method, string setting, int? bits, double bytes, double payload, double modelBytes, float[] decoded, Dataset test)
    {
        var stored = ImageCodecs.ToStoredPixels(decoded);
        return new CompressionPoint(method, setting, bits, bytes, payload, modelBytes,
            Psnr.Mean(stored, test.Images, test.ImageSize), Ssim.Mean(stored, test.Images, test.Channels, test.Height, test.Width));
    }

    /// <summary>The model's codes of every image (N x L, row-major), in evaluation mode.</summary>
    public static float[] Codes(GenerativeModel model, Dataset data, int batchSize)
    {
        var codes = new float[data.Count * model.Options.LatentDim];
        Batched(model, data.Count, batchSize, (start, count) =>
        {
            var x = Tensor.FromArray(data.Images.Slice(start * data.ImageSize, count * data.ImageSize), [count, .. data.ImageShape], model.Options.Backend);
            model.Encode(x).ToArray().CopyTo(codes, start * model.Options.LatentDim);
        });
        return codes;
    }

    private static float[] Decode(GenerativeModel model, float[] codes, int count, int imageSize, int batchSize)
    {
        int l = model.Options.LatentDim;
        var images = new float[count * imageSize];
        Batched(model, count, batchSize, (start, b) =>
            model.Decode(Tensor.FromArray(codes.AsSpan(start * l, b * l), [b, l], model.Options.Backend)).ToArray().CopyTo(images, start * imageSize));
        return images;
    }

    private static void Batched(GenerativeModel model, int count, int batchSize, Action<int, int> step)
    {
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            for (int start = 0; start < count; start += batchSize) step(start, Math.Min(batchSize, count - start));
        }
        finally { model.Train(wasTraining); }
    }

    /// <summary>The bytes the model's decoder takes in its checkpoint: float32 parameters and buffers of its "decoder" module.</summary>
    public static long DecoderBytes(GenerativeModel model)
    {
        var decoder = model.Children.FirstOrDefault(c => c.Name == "decoder").Module
            ?? throw new ArgumentException($"{model.Kind} has no module named decoder");
        return decoder.StateDict().Sum(p => (long)p.Tensor.Numel) * sizeof(float);
    }
}
