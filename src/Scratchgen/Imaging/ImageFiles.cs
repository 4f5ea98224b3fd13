using Scratchgen.Checkpoints;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Imaging;

/// <summary>Writes rasters as PNG (provenance in tEXt chunks) or animated GIF (provenance in comment
/// extensions) through ImageSharp's encoders, atomically (temp file, flush, rename).</summary>
public static class ImageFiles
{
    /// <summary>Writes the raster as an RGB PNG, with <paramref name="provenance"/> in tEXt chunks; the file is replaced atomically.</summary>
    public static void SavePng(Raster raster, string path, Provenance provenance)
    {
        using var image = raster.ToImage();
        var png = image.Metadata.GetPngMetadata();
        foreach (var (key, value) in provenance.Entries())
            png.TextData.Add(new PngTextData(key, value, string.Empty, string.Empty));
        // No zTXt: keep every value readable as plain tEXt (or iTXt for non-Latin-1 text).
        var encoder = new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8, TextCompressionThreshold = int.MaxValue };
        AtomicFile.Write(path, s => image.Save(s, encoder));
    }

    /// <summary>An animated GIF, one frame per raster (all the size of the first), looping forever.</summary>
    /// <param name="frames">The frames, in order.</param>
    /// <param name="path">The file to write (replaced atomically).</param>
    /// <param name="provenance">Written as GIF comments.</param>
    /// <param name="frameDelayMs">Time each frame shows, in milliseconds (GIF counts hundredths of a second).</param>
    public static void SaveGif(IReadOnlyList<Raster> frames, string path, Provenance provenance, int frameDelayMs = 500)
    {
        if (frames.Count == 0) throw new ArgumentException("an animated GIF needs at least one frame", nameof(frames));
        if (frameDelayMs < 0) throw new ArgumentOutOfRangeException(nameof(frameDelayMs), frameDelayMs, "frame delay must not be negative");
        int delay = (int)Math.Round(frameDelayMs / 10.0);
        using var gif = frames[0].ToImage();
        gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = delay;
        for (int i = 1; i < frames.Count; i++)
        {
            if (frames[i].Width != frames[0].Width || frames[i].Height != frames[0].Height)
                throw new ArgumentException($"frame {i} is {frames[i].Width}x{frames[i].Height}, the first is {frames[0].Width}x{frames[0].Height}");
            using var frame = frames[i].ToImage();
            var added = gif.Frames.AddFrame(frame.Frames.RootFrame);
            added.Metadata.GetGifMetadata().FrameDelay = delay;
        }
        var meta = gif.Metadata.GetGifMetadata();
        meta.RepeatCount = 0; // loop forever
        foreach (var (key, value) in provenance.Entries()) meta.Comments.Add($"{key}: {value}");
        var encoder = new GifEncoder { ColorTableMode = GifColorTableMode.Local };
        AtomicFile.Write(path, s => gif.Save(s, encoder));
    }
}
