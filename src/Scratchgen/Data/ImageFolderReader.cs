namespace Scratchgen.Data;

/// <summary>A file of an image folder that was not loaded, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Reason">Why it was not loaded.</param>
public sealed record SkippedImage(string Path, string Reason);

/// <summary>What <see cref="ImageFolderReader.Read"/> found: the dataset, its class names (label i is
/// ClassNames[i]) and the files it skipped.</summary>
/// <param name="Dataset">The images that loaded, labelled by class.</param>
/// <param name="ClassNames">Label i's subfolder name.</param>
/// <param name="Skipped">The files that did not load, with the reason.</param>
public sealed record ImageFolderResult(Dataset Dataset, IReadOnlyList<string> ClassNames, IReadOnlyList<SkippedImage> Skipped);

/// <summary>Loads a folder of images: each subfolder is a class (names sorted ordinally give the labels;
/// a folder without subfolders is one class). Files are decoded by <see cref="SafeImageDecoder"/>
/// (PNG, JPEG, BMP, GIF first frame; gray or RGB; resized). A bad file is skipped and reported by name
/// with the reason; the rest loads. Images are ordered so that every class is spread evenly along the
/// dataset (image i of a class with n images sits at position (i + 0.5) / n), so a positional
/// train/test split holds every class in proportion.</summary>
public static class ImageFolderReader
{
    /// <summary>The most images <see cref="Read"/> loads unless told otherwise.</summary>
    public const int DefaultMaxImages = 1_000_000;

    /// <summary>Reads a folder with one sub-folder per class (its name is the class name; a folder without sub-folders is one class) of PNG, JPEG, BMP or GIF files, resized to <paramref name="width"/> x <paramref name="height"/> with <paramref name="channels"/> channels and scaled to [0, 1]; files that cannot be decoded are listed as skipped.</summary>
    public static ImageFolderResult Read(string folder, int width, int height, int channels = 1, int maxImages = DefaultMaxImages)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such folder");
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, RecurseSubdirectories = false };
        var classDirs = Directory.GetDirectories(folder, "*", options).OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        bool flat = classDirs.Count == 0;
        if (flat) classDirs.Add(folder);
        var classNames = classDirs.Select(d => Path.GetFileName(Path.TrimEndingDirectorySeparator(d))).ToList();
        if (classNames.Count > 65536) throw new DataFormatException(folder, $"{classNames.Count} class folders is more than 65536");

        var skipped = new List<SkippedImage>();
        if (!flat)
            foreach (var stray in Directory.GetFiles(folder, "*", options).Order(StringComparer.Ordinal))
                skipped.Add(new SkippedImage(stray, "not inside a class subfolder"));

        var perClass = new List<List<float[]>>();
        int total = 0;
        for (int c = 0; c < classDirs.Count; c++)
        {
            var images = new List<float[]>();
            foreach (var file in Directory.GetFiles(classDirs[c], "*", options).Order(StringComparer.Ordinal))
            {
                if (total >= maxImages)
                {
                    skipped.Add(new SkippedImage(file, $"over the limit of {maxImages} images"));
                    continue;
                }
                try
                {
                    images.Add(SafeImageDecoder.Load(file, channels, width, height));
                    total++;
                }
                catch (DataFormatException e) { skipped.Add(new SkippedImage(file, e.Problem)); }
                catch (IOException e) { skipped.Add(new SkippedImage(file, e.Message)); }
                catch (UnauthorizedAccessException e) { skipped.Add(new SkippedImage(file, e.Message)); }
            }
            perClass.Add(images);
        }
        if (total == 0)
            throw new DataFormatException(folder, $"no loadable images ({skipped.Count} files skipped{(skipped.Count > 0 ? $"; first: {Path.GetFileName(skipped[0].Path)}: {skipped[0].Reason}" : "")})");

        // Spread each class evenly: sort by (i + 0.5) / n, ties by class.
        var order = perClass.SelectMany((list, c) => list.Select((img, i) => (Key: (i + 0.5) / list.Count, Class: c, Image: img)))
            .OrderBy(t => t.Key).ThenBy(t => t.Class).ToList();
        int size = channels * width * height;
        var values = new float[checked((long)order.Count * size)];
        var labels = new int[order.Count];
        for (int i = 0; i < order.Count; i++)
        {
            order[i].Image.CopyTo(values, (long)i * size);
            labels[i] = order[i].Class;
        }
        var dataset = new Dataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), values, [channels, height, width], labels, classNames.Count)
        {
            ClassNames = classNames,
        };
        return new ImageFolderResult(dataset, classNames, skipped);
    }
}
