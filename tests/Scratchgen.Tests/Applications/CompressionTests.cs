using Scratchgen.Applications;
using Scratchgen.Data;
using Scratchgen.Models;

namespace Scratchgen.Tests.Applications;

/// <summary>The pieces of `compress`: the bit stream, the quantiser, the codecs' byte counts, and the byte
/// accounting of a whole run on a small untrained autoencoder.</summary>
public sealed class CompressionTests
{
    [Fact]
    public void BitPacking_WritesLevelsMostSignificantBitFirst_AndReadsThemBack()
    {
        // 3, 0, 2, 1 in 2 bits: 11 00 10 01 = 0xC9. 5, 1 in 3 bits: 101 001 and two padding zeros = 0xA4.
        Assert.Equal(new byte[] { 0xC9 }, BitPacking.Pack([3, 0, 2, 1], 2));
        Assert.Equal(new byte[] { 0xA4 }, BitPacking.Pack([5, 1], 3));
        Assert.Equal(new[] { 5, 1 }, BitPacking.Unpack([0xA4], 2, 3));
        var rng = new Random(7);
        foreach (int bits in new[] { 1, 2, 3, 5, 7, 8, 11 })
        {
            var levels = Enumerable.Range(0, 37).Select(_ => rng.Next(1 << bits)).ToArray();
            var stream = BitPacking.Pack(levels, bits);
            Assert.Equal((37 * bits + 7) / 8, stream.Length);
            Assert.Equal(levels, BitPacking.Unpack(stream, levels.Length, bits));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => BitPacking.Pack([4], 2));
        Assert.Throws<ArgumentException>(() => BitPacking.Unpack([0xFF], 3, 3));
    }

    [Fact]
    public void Quantiser_OnAKnownCode_GivesTheCellsAndCentres()
    {
        // Dimension 0 spans [-1, 1]: 2 bits make cells of 0.5 with centres -0.75, -0.25, 0.25, 0.75.
        // Dimension 1 spans [10, 18]: cells of 2, centres 11, 13, 15, 17. Values outside a range land on its end cell.
        var q = UniformQuantiser.Fit([-1f, 10f, 1f, 18f], dims: 2, bits: 2);
        float[] code = [-1f, 10f, -0.3f, 12.5f, 0.3f, 15.9f, 0.99f, 18f, 5f, -3f];
        int[] levels = q.Quantise(code);
        Assert.Equal(new[] { 0, 0, 1, 1, 2, 2, 3, 3, 3, 0 }, levels);
        Assert.Equal(new[] { -0.75f, 11f, -0.25f, 13f, 0.25f, 15f, 0.75f, 17f, 0.75f, 11f }, q.Dequantise(levels));
        Assert.Equal(2 * 2 * 4, q.SideBytes);

        // The round trip: a centre comes back as itself, any value in range within half a cell.
        float[] centres = [-0.75f, 13f, 0.25f, 17f];
        Assert.Equal(centres, q.Dequantise(q.Quantise(centres)));
        var fine = UniformQuantiser.Fit([-1f, 1f], dims: 1, bits: 8);
        for (float z = -1f; z <= 1f; z += 0.013f)
            Assert.InRange(Math.Abs(fine.Dequantise(fine.Quantise([z]))[0] - z), 0, 2.0 / 256 / 2 + 1e-6);
    }

    [Fact]
    public void CodecPayloads_AreTheScanAndTheImageDataAlone()
    {
        // A skeleton JPEG: SOI, an APP0 of length 6, SOS of length 8, 5 bytes of scan, EOI.
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 6, 1, 2, 3, 4, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0, 9, 9, 9, 9, 9, 0xFF, 0xD9];
        Assert.Equal(5, ImageCodecs.JpegScanBytes(jpeg));
        // A skeleton PNG: the signature, then IDAT chunks of 3 and 4 bytes between two others.
        var png = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        void Chunk(string type, int length) => png.AddRange([0, 0, 0, (byte)length, .. type.Select(c => (byte)c), .. new byte[length], 0, 0, 0, 0]);
        Chunk("IHDR", 13);
        Chunk("IDAT", 3);
        Chunk("IDAT", 4);
        Chunk("IEND", 0);
        Assert.Equal(7, ImageCodecs.PngDataBytes(png.ToArray()));
        Assert.Throws<InvalidDataException>(() => ImageCodecs.JpegScanBytes([0xFF, 0xD8, 0xFF, 0xD9]));

        // Real files from ImageSharp: PNG gives the 8-bit digit back exactly, JPEG loses more at lower quality.
        var digit = Embedded.Mnist10k().Image(9000).ToArray();
        var lossless = ImageCodecs.Png(digit, 1, 28, 28);
        Assert.Equal(digit, lossless.Decoded);
        Assert.True(lossless.PayloadBytes < lossless.FileBytes);
        var low = ImageCodecs.Jpeg(digit, 1, 28, 28, 10);
        var high = ImageCodecs.Jpeg(digit, 1, 28, 28, 90);
        Assert.True(low.PayloadBytes < high.PayloadBytes && high.PayloadBytes < high.FileBytes, $"scan bytes q10 {low.PayloadBytes}, q90 {high.PayloadBytes} of {high.FileBytes}");
        Assert.True(Scratchgen.Evaluation.Psnr.Compute(low.Decoded, digit) < Scratchgen.Evaluation.Psnr.Compute(high.Decoded, digit));
    }

    [Fact]
    public void Run_CountsTheCodeBitsAndTheDecoderBytes()
    {
        // An untrained MLP autoencoder with a 4-d code: its decoder is 4-128-512-784 (weights and biases).
        var data = Embedded.Mnist10k().Slice(0, 60);
        var (train, test) = data.Split(50);
        var model = new Autoencoder(new ModelOptions(LatentDim: 4));
        var result = Compression.Run(model, train, test, new CompressionOptions([3, 8], [50], PcaTrainLimit: 50));
        long decoderBytes = 4L * ((4 * 128 + 128) + (128 * 512 + 512) + (512 * 784 + 784));
        Assert.Equal(decoderBytes, result.DecoderBytes);
        Assert.Equal(4L * (4 + 1) * 784, result.PcaBytes);

        // 10 codes of 4 values at 3 bits: 120 bits = 15 bytes, 1.5 per image; at 8 bits 4 bytes an image;
        // the float32 code 16. The decoder and 4 ranges of two float32 are shared by the 10 images.
        var ae3 = result.Points.Single(p => p.Method == "ae" && p.BitsPerValue == 3);
        Assert.Equal(1.5, ae3.BytesPerImage);
        Assert.Equal(ae3.BytesPerImage, ae3.PayloadBytesPerImage);
        Assert.Equal((decoderBytes + 4 * 2 * 4) / 10.0, ae3.ModelBytesPerImage);
        Assert.Equal(4.0, result.Points.Single(p => p.Method == "pca" && p.BitsPerValue == 8).BytesPerImage);
        Assert.Equal(16.0, result.Points.Single(p => p.Method == "ae" && p.Setting == "float32").BytesPerImage);

        var png = result.Points.Single(p => p.Method == "png");
        Assert.True(double.IsPositiveInfinity(png.Psnr) && png.Ssim == 1, $"PNG of 8-bit digits is lossless: PSNR {png.Psnr}, SSIM {png.Ssim}");
        var jpeg = result.Points.Single(p => p.Method == "jpeg");
        Assert.Equal(0, jpeg.ModelBytesPerImage);
        Assert.True(jpeg.PayloadBytesPerImage < jpeg.BytesPerImage);
        // More bits never hurt PCA's reconstruction much; 8 bits is close to its float32 code.
        var pca8 = result.Points.Single(p => p.Method == "pca" && p.BitsPerValue == 8);
        var pcaFull = result.Points.Single(p => p.Method == "pca" && p.Setting == "float32");
        Assert.True(Math.Abs(pca8.Psnr - pcaFull.Psnr) < 0.1, $"PCA 8 bits {pca8.Psnr} dB, float32 {pcaFull.Psnr} dB");
    }

    [Fact]
    public void Run_RefusesModelsWithoutAPlainCode()
    {
        var data = Embedded.Mnist10k().Slice(0, 20);
        var (train, test) = data.Split(15);
        var ex = Assert.Throws<ArgumentException>(() => Compression.Run(new Gan(new ModelOptions(LatentDim: 4)), train, test, CompressionOptions.Default));
        Assert.Contains("gan", ex.Message);
        Assert.Throws<ArgumentException>(() => Compression.Run(new ConditionalVae(new ModelOptions(LatentDim: 4)), train, test, CompressionOptions.Default));
    }
}
