using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Applications;

/// <summary>One image through a codec: the whole file's bytes, the bytes of its compressed pixel data
/// alone (the file less its headers and tables, which a collection of images could share), and the image
/// a decoder reads back ([C, H, W] in [0, 1]).</summary>
internal sealed record CodedImage(int FileBytes, int PayloadBytes, float[] Decoded);

/// <summary>
/// The image codecs people know, as baselines for a learned code, through ImageSharp's encoders: JPEG
/// (baseline DCT; gray images as one luminance channel, colour as YCbCr 4:2:0) and PNG (lossless, best
/// compression, no ancillary chunks). Pixels are 8-bit: a value v in [0, 1] is stored as round(255 v),
/// the same rounding <see cref="ToStoredPixels"/> applies to a model's output.
/// </summary>
internal static class ImageCodecs
{
    /// <summary>The JPEG of one image [C, H, W] (C = 1 or 3) at quality 1-100.</summary>
    public static CodedImage Jpeg(ReadOnlySpan<float> image, int channels, int height, int width, int quality)
    {
        if (quality is < 1 or > 100) throw new ArgumentOutOfRangeException(nameof(quality), quality, "JPEG quality is from 1 to 100");
        var encoder = new JpegEncoder { Quality = quality, ColorType = channels == 1 ? JpegColorType.Luminance : JpegColorType.YCbCrRatio420 };
        var file = Encode(image, channels, height, width, encoder);
        return new CodedImage(file.Length, JpegScanBytes(file), Decode(file, channels, height, width));
    }

    /// <summary>The PNG of one image [C, H, W] (C = 1 or 3): lossless, so <see cref="CodedImage.Decoded"/> is the 8-bit image.</summary>
    public static CodedImage Png(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        var encoder = new PngEncoder
        {
            ColorType = channels == 1 ? PngColorType.Grayscale : PngColorType.Rgb, BitDepth = PngBitDepth.Bit8,
            CompressionLevel = PngCompressionLevel.BestCompression, ChunkFilter = PngChunkFilter.ExcludeAll,
        };
        var file = Encode(image, channels, height, width, encoder);
        return new CodedImage(file.Length, PngDataBytes(file), Decode(file, channels, height, width));
    }

    /// <summary>Values as an 8-bit image shows them: round(255 clamp(v, 0, 1)) / 255.</summary>
    public static float[] ToStoredPixels(ReadOnlySpan<float> values)
    {
        var stored = new float[values.Length];
        for (int i = 0; i < values.Length; i++) stored[i] = ToByte(values[i]) / 255f;
        return stored;
    }

    /// <summary>The entropy-coded scan of a baseline JPEG: from the end of its start-of-scan header to the
    /// end-of-image marker; everything before it (markers, quantisation and Huffman tables) is header.</summary>
    public static int JpegScanBytes(ReadOnlySpan<byte> file)
    {
        if (file.Length < 4 || file[0] != 0xFF || file[1] != 0xD8) throw new InvalidDataException("not a JPEG file: no start-of-image marker");
        if (file[^2] != 0xFF || file[^1] != 0xD9) throw new InvalidDataException("JPEG file does not end with the end-of-image marker");
        int at = 2;
        while (at + 4 <= file.Length)
        {
            if (file[at] != 0xFF) throw new InvalidDataException($"JPEG file: expected a marker at byte {at}");
            byte marker = file[at + 1];
            int length = file[at + 2] << 8 | file[at + 3];
            if (marker == 0xDA) return file.Length - 2 - (at + 2 + length);
            at += 2 + length;
        }
        throw new InvalidDataException("JPEG file has no start-of-scan segment");
    }

    /// <summary>The compressed pixel data of a PNG: the data of its IDAT chunks; the signature, IHDR, IEND
    /// and the chunks' lengths, types and checksums are header.</summary>
    public static int PngDataBytes(ReadOnlySpan<byte> file)
    {
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (file.Length < 8 || !file[..8].SequenceEqual(signature)) throw new InvalidDataException("not a PNG file: no PNG signature");
        int at = 8, data = 0;
        while (at + 12 <= file.Length)
        {
            int length = file[at] << 24 | file[at + 1] << 16 | file[at + 2] << 8 | file[at + 3];
            if (length < 0 || at + 12L + length > file.Length) throw new InvalidDataException($"PNG file: chunk at byte {at} runs past the end");
            if (file.Slice(at + 4, 4).SequenceEqual("IDAT"u8)) data += length;
            at += 12 + length;
        }
        return data;
    }

    private static byte[] Encode(ReadOnlySpan<float> image, int channels, int height, int width, SixLabors.ImageSharp.Formats.IImageEncoder encoder)
    {
        int plane = height * width;
        if (channels is not (1 or 3) || height < 1 || width < 1 || image.Length != channels * plane)
            throw new ArgumentException($"an image to encode is [C, H, W] with C = 1 or 3: got {image.Length} values for {channels} x {height} x {width}");
        using var stream = new MemoryStream();
        if (channels == 1)
        {
            var pixels = new L8[plane];
            for (int p = 0; p < plane; p++) pixels[p] = new L8(ToByte(image[p]));
            using var gray = Image.LoadPixelData<L8>(pixels, width, height);
            gray.Save(stream, encoder);
        }
        else
        {
            var pixels = new Rgb24[plane];
            for (int p = 0; p < plane; p++) pixels[p] = new Rgb24(ToByte(image[p]), ToByte(image[plane + p]), ToByte(image[2 * plane + p]));
            using var rgb = Image.LoadPixelData<Rgb24>(pixels, width, height);
            rgb.Save(stream, encoder);
        }
        return stream.ToArray();
    }

    private static float[] Decode(byte[] file, int channels, int height, int width)
    {
        int plane = height * width;
        var values = new float[channels * plane];
        if (channels == 1)
        {
            using var gray = Image.Load<L8>(file);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++) values[y * width + x] = gray[x, y].PackedValue / 255f;
        }
        else
        {
            using var rgb = Image.Load<Rgb24>(file);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    var p = rgb[x, y];
                    int i = y * width + x;
                    (values[i], values[plane + i], values[2 * plane + i]) = (p.R / 255f, p.G / 255f, p.B / 255f);
                }
        }
        return values;
    }

    private static byte ToByte(float v) => Imaging.Rgb.FromUnit(v).R;
}
