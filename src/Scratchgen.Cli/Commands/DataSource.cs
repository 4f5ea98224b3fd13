using Scratchgen.Data;

namespace Scratchgen.Cli.Commands;

/// <summary>Turns --data into a Dataset: nothing = the embedded MNIST subset; a file = IDX images with
/// the labels file found beside it (images-idx3 -> labels-idx1 in the name); a folder = an IDX pair inside it, or
/// a folder of images (subfolder = label; resized to imageSize x imageSize, gray or RGB; bad files skipped by name).</summary>
internal static class DataSource
{
    public static Dataset Load(string? path, int imageSize = 28, int channels = 1)
    {
        if (path == null) return Embedded.Mnist10k();
        if (File.Exists(path)) return Dataset.FromIdxFiles(path, LabelsBeside(path));
        if (Directory.Exists(path))
        {
            var images = Directory.GetFiles(path).FirstOrDefault(f => Path.GetFileName(f).Contains("images-idx3", StringComparison.OrdinalIgnoreCase));
            if (images != null) return Dataset.FromIdxFiles(images, LabelsBeside(images));
            var folder = ImageFolderReader.Read(path, imageSize, imageSize, channels);
            foreach (var skipped in folder.Skipped)
                Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[yellow]skipped {skipped.Path}: {skipped.Reason}[/]");
            return folder.Dataset;
        }
        throw new FileNotFoundException($"--data '{path}': no such file or folder", path);
    }

    private static string LabelsBeside(string imagesPath)
    {
        string name = Path.GetFileName(imagesPath);
        if (!name.Contains("images-idx3", StringComparison.OrdinalIgnoreCase))
            throw new FileNotFoundException($"--data '{imagesPath}': an IDX images file is named like train-images-idx3-ubyte, its labels file beside it " +
                "the same with labels-idx1 (train-labels-idx1-ubyte); give such a file, the folder holding the pair, or a folder of images", imagesPath);
        string labels = Path.Combine(Path.GetDirectoryName(imagesPath) ?? ".", name.Replace("images-idx3", "labels-idx1", StringComparison.OrdinalIgnoreCase));
        if (!File.Exists(labels))
            throw new FileNotFoundException($"--data '{imagesPath}': expected its labels file beside it as '{Path.GetFileName(labels)}'", labels);
        return labels;
    }
}
