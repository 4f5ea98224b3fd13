using System.Globalization;
using System.Text;

namespace Scratchgen.Data;

/// <summary>Labelled images held on the host: float32 [N, C, H, W] in [0, 1] (row-major) plus one
/// integer label in [0, ClassCount) per image. Immutable; Split and Slice share the pixels.</summary>
public sealed class Dataset
{
    private readonly ReadOnlyMemory<float> _images; // a slice shares its parent's array: a split copies no pixels
    private readonly int[] _labels;

    /// <summary>A labelled image dataset held in host memory.</summary>
    /// <param name="name">A short name for messages.</param>
    /// <param name="images">N*C*H*W values in [0, 1], row-major [N, C, H, W].</param>
    /// <param name="imageShape">[C, H, W] of one image.</param>
    /// <param name="labels">One class label per image, each in [0, classCount).</param>
    /// <param name="classCount">The number of classes.</param>
    public Dataset(string name, float[] images, int[] imageShape, int[] labels, int classCount)
        : this(name, images.AsMemory(), imageShape, labels, classCount) { }

    private Dataset(string name, ReadOnlyMemory<float> images, int[] imageShape, int[] labels, int classCount)
    {
        if (imageShape.Length != 3 || imageShape.Any(d => d <= 0))
            throw new ArgumentException($"dataset '{name}': image shape must be [C, H, W] with positive sizes, got [{string.Join(", ", imageShape)}]");
        if (classCount <= 0) throw new ArgumentException($"dataset '{name}': class count must be positive, got {classCount}");
        long per = (long)imageShape[0] * imageShape[1] * imageShape[2];
        if (per * labels.Length != images.Length)
            throw new ArgumentException($"dataset '{name}': {labels.Length} labels and image shape [{string.Join(", ", imageShape)}] need {per * labels.Length} values, got {images.Length}");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"dataset '{name}': label {labels[i]} of image {i} is outside [0, {classCount})");
        Name = name;
        _images = images;
        _labels = labels;
        Channels = imageShape[0];
        Height = imageShape[1];
        Width = imageShape[2];
        ClassCount = classCount;
    }

    /// <summary>A short name for messages (mnist, letters, a folder's name).</summary>
    public string Name { get; }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Colour channels per image: 1 (grey) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>C*H*W: the values in one image.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The number of classes the labels range over (labels are 0 .. ClassCount - 1).</summary>
    public int ClassCount { get; }

    /// <summary>Names of the labels (label i is ClassNames[i]) where the source has them (image folders).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>[C, H, W] of one image.</summary>
    public int[] ImageShape => [Channels, Height, Width];

    /// <summary>All images, row-major [N, C, H, W].</summary>
    public ReadOnlySpan<float> Images => _images.Span;

    /// <summary>Every image's class label, in dataset order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>The values of image <paramref name="index"/>, [C, H, W].</summary>
    public ReadOnlySpan<float> Image(int index) => _images.Span.Slice(checked(index * ImageSize), ImageSize);

    /// <summary>How many images carry each label.</summary>
    public int[] LabelHistogram()
    {
        var counts = new int[ClassCount];
        foreach (int l in _labels) counts[l]++;
        return counts;
    }

    /// <summary>One paragraph: count, shape, value range and label histogram.</summary>
    public string Summary()
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in _images.Span)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (_images.Length == 0) min = max = 0;
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(ci, $"{Name}: {Count} images of [{Channels}, {Height}, {Width}], values in [{min:G4}, {max:G4}], {ClassCount} classes");
        var hist = LabelHistogram();
        sb.Append("; labels ");
        sb.AppendJoin(' ', hist.Select((c, l) => $"{l}:{c}"));
        return sb.ToString();
    }

    /// <summary>The images [start, start+count) as a new dataset, sharing this one's pixels (labels are copied).</summary>
    public Dataset Slice(int start, int count, string? name = null)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(count), $"dataset '{Name}' has {Count} images: cannot take {count} from {start}");
        return new Dataset(name ?? $"{Name}[{start}..{start + count})",
            _images.Slice(start * ImageSize, count * ImageSize), ImageShape,
            _labels.AsSpan(start, count).ToArray(), ClassCount) { ClassNames = ClassNames };
    }

    /// <summary>Positional split: the first <paramref name="trainCount"/> images and the rest.</summary>
    public (Dataset Train, Dataset Test) Split(int trainCount)
    {
        if (trainCount <= 0 || trainCount >= Count)
            throw new ArgumentOutOfRangeException(nameof(trainCount), $"dataset '{Name}' has {Count} images: a split needs 0 < train count < {Count}, got {trainCount}");
        return (Slice(0, trainCount, $"{Name} (train)"), Slice(trainCount, Count - trainCount, $"{Name} (test)"));
    }

    /// <summary>A dataset from IDX images [N, H, W] (one channel) and labels [N] of unsigned bytes.
    /// The counts must agree and every label must be below <paramref name="classCount"/>.</summary>
    public static Dataset FromIdx(IdxArray images, string imagesName, IdxArray labels, string labelsName, int classCount = 10, string? name = null)
    {
        if (images.Rank != 3)
            throw new DataFormatException(imagesName, $"expected images with 3 dimensions [N, H, W], got [{string.Join(", ", images.Dims)}]");
        if (labels.Rank != 1)
            throw new DataFormatException(labelsName, $"expected labels with 1 dimension [N], got [{string.Join(", ", labels.Dims)}]");
        int n = images.Dims[0];
        if (labels.Dims[0] != n)
            throw new DataFormatException(labelsName, $"holds {labels.Dims[0]} labels but {imagesName} holds {n} images: the counts must agree");
        if (n == 0) throw new DataFormatException(imagesName, "holds no images");
        if (images.Dims[1] == 0 || images.Dims[2] == 0)
            throw new DataFormatException(imagesName, $"image size {images.Dims[1]}x{images.Dims[2]} is empty");
        var ys = new int[n];
        for (int i = 0; i < n; i++)
        {
            ys[i] = labels.Data[i];
            if (ys[i] >= classCount)
                throw new DataFormatException(labelsName, $"label {ys[i]} at index {i} is outside [0, {classCount})");
        }
        var xs = new float[images.Data.Length];
        for (int i = 0; i < xs.Length; i++) xs[i] = images.Data[i] / 255f;
        return new Dataset(name ?? Path.GetFileName(imagesName), xs, [1, images.Dims[1], images.Dims[2]], ys, classCount);
    }

    /// <summary>Reads IDX image and label files (plain or gzipped) from disk.</summary>
    public static Dataset FromIdxFiles(string imagesPath, string labelsPath, int classCount = 10) =>
        FromIdx(IdxReader.Read(imagesPath), imagesPath, IdxReader.Read(labelsPath), labelsPath, classCount);
}
