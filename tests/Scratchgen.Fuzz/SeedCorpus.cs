using System.Buffers.Binary;
using System.IO.Compression;
using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using Scratchgen.Models;
using Scratchgen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Scratchgen.Fuzz;

/// <summary>Small valid inputs for each target, the starting points AFL mutates: AFL needs files the
/// parser accepts to find its deeper paths. Written by `Scratchgen.Fuzz seed DIR`.</summary>
public static class SeedCorpus
{
    public static void Write(string dir)
    {
        Save(dir, "idx", "images-u8-3x4x4", Idx(0x08, [3, 4, 4], Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray()));
        Save(dir, "idx", "labels-u8-3", Idx(0x08, [3], [1, 7, 9]));
        Save(dir, "idx", "images-u8-3x4x4.gz", Gzip(Idx(0x08, [3, 4, 4], new byte[48])));
        Save(dir, "idx", "floats-f32-2x2", Idx(0x0D, [2, 2], new byte[16]));

        Save(dir, "safetensors", "two-tensors", SafeTensors.Serialize(new Dictionary<string, TensorEntry>
        {
            ["w"] = TensorEntry.F32([1, 2, 3, 4, 5, 6], 2, 3),
            ["b"] = TensorEntry.I64([7], 1),
        }, new Dictionary<string, string> { ["model"] = "fuzz" }));
        Save(dir, "safetensors", "empty", SafeTensors.Serialize(new Dictionary<string, TensorEntry>()));

        // Model files of small models (as checkpoints write them; the autoencoders' fixed hidden layers make even
        // 4x4 ones 60-600 kB, so two of those), and one whose metadata asks for too much.
        foreach (var (kind, options) in new[]
        {
            ("vae", new ModelOptions(1, 4, 4, 2, 2)), ("cvae", new ModelOptions(1, 4, 4, 3, 2)), ("dcgan", new ModelOptions(1, 8, 8, 2, 2)),
        })
        {
            using var file = new MemoryStream();
            Checkpoint.WriteModelFile(file, ModelFactory.Create(kind, options), epoch: 1, step: 10);
            Save(dir, "checkpoint", $"{kind}-{options.Architecture}-{options.Height}x{options.Width}", file.ToArray());
        }
        Save(dir, "checkpoint", "latent-too-large", SafeTensors.Serialize(new Dictionary<string, TensorEntry>(), new Dictionary<string, string>
        {
            ["format"] = Checkpoint.Format, ["model"] = "gan", ["architecture"] = "mlp", ["latent_dim"] = "2147483647", ["image_shape"] = "1,28,28",
            ["classes"] = "10", ["seed"] = "1",
        }));

        using var image = new Image<Rgba32>(6, 5);
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 6; x++) image[x, y] = new Rgba32((byte)(40 * x), (byte)(50 * y), 128, 255);
        Save(dir, "image", "6x5.png", Encode(s => image.SaveAsPng(s)));
        Save(dir, "image", "6x5.bmp", Encode(s => image.SaveAsBmp(s)));
        Save(dir, "image", "6x5.gif", Encode(s => image.SaveAsGif(s)));
        Save(dir, "image", "6x5.jpg", Encode(s => image.SaveAsJpeg(s)));
        // ImageSharp 2.1.13 hangs decoding tiny Adam7-interlaced PNGs (1x1 and 4x4 seen; 5x5 loads):
        // the decoder must refuse these before ImageSharp sees them.
        foreach (int side in new[] { 1, 4, 5 })
        {
            using var tiny = new Image<Rgba32>(side, side);
            var adam7 = new SixLabors.ImageSharp.Formats.Png.PngEncoder { InterlaceMethod = SixLabors.ImageSharp.Formats.Png.PngInterlaceMode.Adam7 };
            Save(dir, "image", $"adam7-{side}x{side}.png", Encode(s => tiny.SaveAsPng(s, adam7)));
        }

        string tmp = Path.Combine(Path.GetTempPath(), "scratchgen-fuzz-seed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tmp);
        try
        {
            var raster = new Raster(6, 5);
            var provenance = Provenance.Generated(new Dictionary<string, string> { ["Model"] = "fuzz", ["Seed"] = "1" });
            ImageFiles.SavePng(raster, Path.Combine(tmp, "p.png"), provenance);
            ImageFiles.SaveGif([raster, raster], Path.Combine(tmp, "p.gif"), provenance);
            Save(dir, "provenance", "text-chunks.png", File.ReadAllBytes(Path.Combine(tmp, "p.png")));
            Save(dir, "provenance", "comments.gif", File.ReadAllBytes(Path.Combine(tmp, "p.gif")));
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
        }
    }

    private static byte[] Idx(byte typeCode, uint[] dims, byte[] payload)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = typeCode;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return [.. header, .. payload];
    }

    private static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    private static byte[] Encode(Action<Stream> save)
    {
        using var ms = new MemoryStream();
        save(ms);
        return ms.ToArray();
    }

    private static void Save(string dir, string target, string name, byte[] bytes)
    {
        string folder = Path.Combine(dir, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "seed-" + name), bytes);
    }
}
