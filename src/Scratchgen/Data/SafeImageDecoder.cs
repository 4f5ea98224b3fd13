using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Scratchgen.Data;

/// <summary>Decodes untrusted image files through SixLabors.ImageSharp 2.1.13 with the limits that
/// version needs: a private Configuration that knows only PNG, JPEG, BMP and GIF (its TIFF codecs and
/// ICC parsing have unfixed advisories), metadata ignored, GIF first frame only, a 64 MB allocation
/// limit, the file size capped, dimensions read (our own IHDR check for PNG, then Identify) and
/// refused over <see cref="MaxSide"/> before any pixel is decoded, and tiny Adam7-interlaced PNGs
/// refused outright (2.1.13 hangs on 1x1 and 4x4 ones). Every refusal is a DataFormatException.</summary>
internal static class SafeImageDecoder
{
    public const int MaxSide = 4096;

    public const long MaxFileBytes = 64L << 20;

    public const int AllocationLimitMegabytes = 64;

    /// <summary>Adam7 leaves passes empty below 5 pixels a side; 2.1.13 was seen to hang on such files.</summary>
    public const int MinInterlacedSide = 5;

    private static readonly Configuration Safe = CreateConfiguration();

    private static Configuration CreateConfiguration()
    {
        var c = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new GifConfigurationModule(), new BmpConfigurationModule());
        c.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        c.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        c.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { IgnoreMetadata = true, DecodingMode = FrameDecodingMode.First });
        c.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = AllocationLimitMegabytes });
        return c;
    }

    /// <summary>Reads a file and returns its pixels as float [C, H, W] in [0, 1] (C = 1: luma, C = 3: RGB),
    /// resized to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static float[] Load(string path, int channels, int width, int height)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{path}: no such file", path);
        if (info.Length > MaxFileBytes) throw new DataFormatException(path, $"{info.Length} bytes is over the {MaxFileBytes}-byte limit for one image");
        return Decode(File.ReadAllBytes(path), path, channels, width, height);
    }

    /// <summary>As <see cref="Load"/>, from bytes already in memory; <paramref name="name"/> is used in errors.</summary>
    public static float[] Decode(byte[] bytes, string name, int channels, int width, int height)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1 (gray) or 3 (RGB)");
        if (width <= 0 || height <= 0 || width > MaxSide || height > MaxSide)
            throw new ArgumentOutOfRangeException(nameof(width), $"target size {width}x{height} must be 1 to {MaxSide} a side");
        if (bytes.Length > MaxFileBytes) throw new DataFormatException(name, $"{bytes.Length} bytes is over the {MaxFileBytes}-byte limit for one image");
        var format = Image.DetectFormat(Safe, bytes)
            ?? throw new DataFormatException(name, "not a PNG, JPEG, BMP or GIF image (these are the only formats read)");
        if (format == PngFormat.Instance) CheckPngHeader(bytes, name);

        IImageInfo? info;
        try { info = Image.Identify(Safe, bytes, out _); }
        catch (Exception e) when (IsDecodeError(e)) { throw new DataFormatException(name, $"unreadable {format.Name} header ({e.Message})", e); }
        if (info == null) throw new DataFormatException(name, $"unreadable {format.Name} header");
        CheckSize(info.Width, info.Height, name);

        try
        {
            using var image = Image.Load<Rgb24>(Safe, bytes);
            CheckSize(image.Width, image.Height, name);
            if (image.Width != width || image.Height != height) image.Mutate(x => x.Resize(width, height));
            return ToPlanes(image, channels);
        }
        catch (Exception e) when (IsDecodeError(e))
        {
            throw new DataFormatException(name, $"cannot decode this {format.Name} image ({e.Message})", e);
        }
    }

    // PNG: signature, then IHDR (length 13): width, height, bit depth, colour type, compression, filter, interlace.
    private static void CheckPngHeader(byte[] b, string name)
    {
        if (b.Length < 33 || !b.AsSpan(12, 4).SequenceEqual("IHDR"u8))
            throw new DataFormatException(name, "PNG without an IHDR chunk first: damaged or truncated");
        uint w = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(16)), h = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(20));
        CheckSize(w, h, name);
        byte interlace = b[28];
        if (interlace == 1 && (w < MinInterlacedSide || h < MinInterlacedSide))
            throw new DataFormatException(name, $"Adam7-interlaced PNG of {w}x{h}: below {MinInterlacedSide} pixels a side such files hang the decoder (ImageSharp 2.1.13); save it without interlacing");
        if (interlace > 1) throw new DataFormatException(name, $"PNG interlace method {interlace} is not 0 or 1");
    }

    private static void CheckSize(long w, long h, string name)
    {
        if (w <= 0 || h <= 0) throw new DataFormatException(name, $"image size {w}x{h} is empty");
        if (w > MaxSide || h > MaxSide) throw new DataFormatException(name, $"image size {w}x{h} is over the limit of {MaxSide} pixels a side");
    }

    private static bool IsDecodeError(Exception e) =>
        e is ImageFormatException or InvalidMemoryOperationException or NotSupportedException or InvalidDataException
            or ArgumentException or IndexOutOfRangeException or EndOfStreamException or OverflowException;

    // Gray is BT.601 luma; RGB keeps the three planes.
    private static float[] ToPlanes(Image<Rgb24> image, int channels)
    {
        int w = image.Width, h = image.Height, plane = w * h;
        var result = new float[channels * plane];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < h; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < w; x++)
                {
                    var p = row[x];
                    int i = y * w + x;
                    if (channels == 1) result[i] = (0.299f * p.R + 0.587f * p.G + 0.114f * p.B) / 255f;
                    else (result[i], result[plane + i], result[2 * plane + i]) = (p.R / 255f, p.G / 255f, p.B / 255f);
                }
            }
        });
        return result;
    }
}
