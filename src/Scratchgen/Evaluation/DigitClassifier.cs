using System.Globalization;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Checkpoints;
using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Training;

namespace Scratchgen.Evaluation;

/// <summary>
/// The evaluation classifier: LeNet-5 (LeCun et al., 1998) with ReLU and max-pooling, for 1 x 28 x 28
/// images in [0, 1].
///   x (N, 1, 28, 28) -conv1 5x5 pad 2-> (N, 6, 28, 28) -relu, maxpool 2-> (N, 6, 14, 14)
///     -conv2 5x5-> (N, 16, 10, 10) -relu, maxpool 2-> (N, 16, 5, 5) -flatten-> (N, 400)
///     -fc1-> (N, 120) -relu-> -fc2-> (N, 84) -relu-> features f -fc3-> logits (N, 10)
/// 61,706 parameters (241 KB as float32). The 84 features feed FID, the softmax of the logits feeds
/// the Inception-Score analogue, class coverage and the bias report. Trained by Scratchgen itself
/// (<see cref="ClassifierTraining"/>); the shipped weights are data/mnist-classifier.safetensors,
/// embedded in the library, and `scratchgen classifier train` reproduces them.
/// </summary>
public sealed class DigitClassifier : Layer
{
    /// <summary>The width of the penultimate layer, the features FID is computed on.</summary>
    public const int FeatureSize = 84;
    /// <summary>The side of the square grey images the classifier takes.</summary>
    public const int Side = 28;
    /// <summary>The format string a classifier checkpoint's metadata carries.</summary>
    public const string Format = "scratchgen-classifier-1";
    /// <summary>The architecture name a classifier checkpoint's metadata carries.</summary>
    public const string Architecture = "lenet5-relu-maxpool";
    /// <summary>The file name of the shipped weights.</summary>
    public const string ShippedFile = "mnist-classifier.safetensors";
    internal const string EmbeddedResource = "Scratchgen.Data.mnist-classifier.safetensors";

    /// <summary>A classifier with freshly initialised weights (from <paramref name="rng"/>) for <paramref name="classes"/> classes.</summary>
    public DigitClassifier(Rng rng, int classes = 10, IBackend? backend = null)
    {
        if (classes < 2) throw new ArgumentException($"a classifier needs at least 2 classes, got {classes}");
        Classes = classes;
        Conv1 = Child("conv1", new Conv2d(1, 6, 5, rng, padding: 2, backend: backend));
        Conv2 = Child("conv2", new Conv2d(6, 16, 5, rng, backend: backend));
        Fc1 = Child("fc1", new Linear(16 * 5 * 5, 120, rng, backend: backend));
        Fc2 = Child("fc2", new Linear(120, FeatureSize, rng, backend: backend));
        Fc3 = Child("fc3", new Linear(FeatureSize, classes, rng, backend: backend));
        Backend = backend ?? Backends.Backend.Default;
    }

    /// <summary>The number of output classes.</summary>
    public int Classes { get; }
    /// <summary>The backend the weights live on.</summary>
    public IBackend Backend { get; }
    /// <summary>5x5 convolution, 1 to 6 channels, padding 2.</summary>
    public Conv2d Conv1 { get; }
    /// <summary>5x5 convolution, 6 to 16 channels, no padding.</summary>
    public Conv2d Conv2 { get; }
    /// <summary>Fully connected, 400 to 120.</summary>
    public Linear Fc1 { get; }
    /// <summary>Fully connected, 120 to 84 (the feature layer).</summary>
    public Linear Fc2 { get; }
    /// <summary>Fully connected, 84 to the class logits.</summary>
    public Linear Fc3 { get; }

    /// <summary>The penultimate features (N, 84) and the logits (N, classes) of images (N, 1, 28, 28) in [0, 1].</summary>
    public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor x)
    {
        RequireImages(x.Dims);
        var h = Conv1.Forward(x).Relu().MaxPool2d(2);
        h = Conv2.Forward(h).Relu().MaxPool2d(2).Flatten();
        var features = Fc2.Forward(Fc1.Forward(h).Relu()).Relu();
        return (features, Fc3.Forward(features));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x) => FeaturesAndLogits(x).Logits;

    /// <summary>Features, softmax probabilities and predicted classes of images (N, 1, 28, 28) given in
    /// <paramref name="range"/>, in batches, without recording gradients.</summary>
    public ClassifierOutput Predict(Tensor images, PixelRange range = PixelRange.ZeroToOne, int batchSize = 500)
    {
        RequireImages(images.Dims);
        var values = images.ToArray();
        if (range == PixelRange.MinusOneToOne)
            for (int i = 0; i < values.Length; i++) values[i] = (values[i] + 1f) * 0.5f;
        return Predict(values, images.Dims[0], batchSize);
    }

    /// <summary>As <see cref="Predict(Tensor, PixelRange, int)"/> for N row-major images [N, 1, 28, 28] in [0, 1] on the host.</summary>
    public ClassifierOutput Predict(ReadOnlySpan<float> images, int count, int batchSize = 500)
    {
        const int size = Side * Side;
        if (images.Length != (long)count * size) throw new ArgumentException($"expected {count} images of 1 x {Side} x {Side} ({count * size} values), got {images.Length}");
        bool wasTraining = Training;
        Eval();
        using var noGrad = GradMode.NoGrad();
        var features = new float[count * FeatureSize];
        var probabilities = new double[count * Classes];
        var predicted = new int[count];
        try
        {
            for (int start = 0; start < count; start += batchSize)
            {
                int b = Math.Min(batchSize, count - start);
                var x = Tensor.FromArray(images.Slice(start * size, b * size), [b, 1, Side, Side], Backend);
                var (f, logits) = FeaturesAndLogits(x);
                f.ToArray().CopyTo(features.AsSpan(start * FeatureSize));
                var p = logits.Softmax(1).ToArray();
                for (int i = 0; i < b; i++)
                {
                    int best = 0;
                    for (int c = 0; c < Classes; c++)
                    {
                        probabilities[(start + i) * Classes + c] = p[i * Classes + c];
                        if (p[i * Classes + c] > p[i * Classes + best]) best = c;
                    }
                    predicted[start + i] = best;
                }
            }
        }
        finally { Train(wasTraining); }
        return new ClassifierOutput(count, Classes, features, probabilities, predicted);
    }

    /// <summary>Writes the weights as safetensors with the metadata that <see cref="Load(string, IBackend?)"/> checks.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["architecture"] = Architecture,
            ["classes"] = Classes.ToString(CultureInfo.InvariantCulture),
            ["image_shape"] = $"1,{Side},{Side}",
            ["input_range"] = "0..1",
        };
        foreach (var (k, v) in extraMetadata ?? new Dictionary<string, string>()) metadata[k] = v;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null) Directory.CreateDirectory(dir);
        SafeTensors.Write(path, StateDict().ToDictionary(p => p.Name, p => p.Tensor), metadata);
    }

    /// <summary>Loads a classifier written by <see cref="Save"/>. A file of another kind or architecture
    /// is refused naming the file and the metadata key or tensor (and both shapes) that differ.</summary>
    public static DigitClassifier Load(string path, IBackend? backend = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"classifier weights '{path}' not found", path);
        return FromFile(SafeTensors.Read(path), path, backend);
    }

    /// <summary>The shipped classifier compiled into the library (data/mnist-classifier.safetensors).</summary>
    public static DigitClassifier LoadEmbedded(IBackend? backend = null)
    {
        using var stream = typeof(DigitClassifier).Assembly.GetManifestResourceStream(EmbeddedResource)
            ?? throw new InvalidOperationException($"the library was built without data/{ShippedFile}: run `scratchgen classifier train --out data/{ShippedFile}` and rebuild");
        return FromFile(SafeTensors.Read(stream, $"data/{ShippedFile} (embedded)"), $"data/{ShippedFile} (embedded)", backend);
    }

    /// <summary>The embedded classifier, or the one in <paramref name="path"/> when given.</summary>
    public static DigitClassifier LoadOrEmbedded(string? path, IBackend? backend = null) =>
        path == null ? LoadEmbedded(backend) : Load(path, backend);

    private static DigitClassifier FromFile(SafeTensorsFile file, string source, IBackend? backend)
    {
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{source}: metadata '{key}' is missing (not a Scratchgen classifier file?)");
        if (Meta("format") != Format) throw new InvalidDataException($"{source}: metadata 'format' is '{Meta("format")}', expected '{Format}'");
        if (Meta("architecture") != Architecture)
            throw new InvalidDataException($"{source}: metadata 'architecture' is '{Meta("architecture")}', expected '{Architecture}'");
        if (!int.TryParse(Meta("classes"), NumberStyles.None, CultureInfo.InvariantCulture, out int classes) || classes is < 2 or > 1000)
            throw new InvalidDataException($"{source}: metadata 'classes' is '{Meta("classes")}', expected a count from 2 to 1000");
        var model = new DigitClassifier(new Rng(0), classes, backend);
        model.LoadStateDict(Checkpoint.ToHost(file, source), source);
        model.Metadata = file.Metadata;
        model.Eval();
        return model;
    }

    /// <summary>The metadata of the file it was loaded from (training settings, held-out accuracy).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private set; } = new Dictionary<string, string>();

    /// <summary>Refuses anything but (N, 1, 28, 28), saying what the classifier needs.</summary>
    public static void RequireImages(ReadOnlySpan<int> dims)
    {
        if (dims.Length != 4 || dims[1] != 1 || dims[2] != Side || dims[3] != Side)
            throw new ShapeException("digit_classifier", $"the evaluation classifier reads grayscale {Side}x{Side} images (N, 1, {Side}, {Side}), got {Shapes.Format(dims)}");
    }
}

/// <summary>What the classifier says about N images: features (N x 84), class probabilities
/// (N x C) and the predicted class of each, all row-major on the host.</summary>
/// <param name="Count">N, the number of images.</param>
/// <param name="Classes">C, the number of classes.</param>
/// <param name="Features">The penultimate layer's 84 features per image, N x 84 row-major.</param>
/// <param name="Probabilities">The class probabilities, N x C row-major.</param>
/// <param name="Predicted">The most likely class of each image.</param>
public sealed record ClassifierOutput(int Count, int Classes, float[] Features, double[] Probabilities, int[] Predicted)
{
    /// <summary>Share of the images whose most likely class has at least probability <paramref name="level"/>.</summary>
    public double ConfidentShare(double level)
    {
        int confident = 0;
        for (int i = 0; i < Count; i++)
            if (Probabilities[i * Classes + Predicted[i]] >= level) confident++;
        return confident / (double)Count;
    }

    /// <summary>Share of the images whose prediction equals the label.</summary>
    public double Accuracy(ReadOnlySpan<int> labels)
    {
        if (labels.Length != Count) throw new ArgumentException($"{labels.Length} labels for {Count} predictions");
        int right = 0;
        for (int i = 0; i < Count; i++) if (Predicted[i] == labels[i]) right++;
        return right / (double)Count;
    }
}
