using System.Globalization;
using Scratchgen.Imaging;

namespace Scratchgen.Cli.Commands;

/// <summary>Writes a data set made offline (make-letters, make-shapes) as PNGs in one subfolder per class,
/// the layout `train --data DIR` reads, each PNG carrying its provenance.</summary>
internal static class SyntheticFolder
{
    /// <summary>Writes <paramref name="count"/> images; <paramref name="image"/> gives image i and its class
    /// folder. Refuses a folder that already holds files, so nothing already there is overwritten.</summary>
    public static void Write(string folder, int count, string generator, ulong seed, Func<int, (Raster Image, string Class)> image)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new ArgumentException($"--out '{folder}' already holds files; choose an empty or new folder");
        var provenance = new Provenance(true, new Dictionary<string, string>
        {
            ["Generator"] = generator,
            ["Seed"] = seed.ToString(CultureInfo.InvariantCulture),
        });
        for (int i = 0; i < count; i++)
        {
            var (raster, label) = image(i);
            string dir = Path.Combine(folder, label);
            Directory.CreateDirectory(dir);
            ImageFiles.SavePng(raster, Path.Combine(dir, $"{i:D5}.png"), provenance);
        }
    }
}
