using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Models;
using Scratchgen.Tensors;

namespace Scratchgen.Applications;

/// <summary>How <see cref="Augmentation"/> runs its experiment.</summary>
/// <param name="LabelsPerClass">Real labelled images per class (10 x 10 = 100 labels by default).</param>
/// <param name="GeneratedPerClass">Generated images per class added in the augmented arm.</param>
/// <param name="Steps">Classifier training steps, the same in both arms.</param>
/// <param name="Repeats">Independent repeats: each takes a disjoint labelled subset, a new draw of samples and a new classifier seed.</param>
internal sealed record AugmentationOptions(int LabelsPerClass = 10, int GeneratedPerClass = 50, int Steps = 500, int BatchSize = 32, int Repeats = 3, ulong Seed = 1);

/// <summary>Held-out accuracies of the three arms, per repeat, and the samples of the first repeat.</summary>
/// <param name="ShuffledControl">The control arm: the same generated images with their labels shuffled among them.</param>
/// <param name="SampleAgreement">Share of the generated samples the shipped evaluation classifier assigns to their requested label (null when not measured).</param>
internal sealed record AugmentationResult(double[] RealOnly, double[] Augmented, double[] ShuffledControl, GeneratedSamples Samples,
    int LabelledCount, int GeneratedCount, double? SampleAgreement)
{
    public double MeanRealOnly => RealOnly.Average();
    public double MeanAugmented => Augmented.Average();
    public double MeanShuffledControl => ShuffledControl.Average();
}

/// <summary>
/// Data augmentation with a conditional generator (cgan, cvae): a LeNet-5 (<see cref="DigitClassifier"/>)
/// trained on a small labelled subset, once on the real images alone and once on the real images plus
/// generated ones (label = the class requested from the generator), for the same number of steps from
/// the same initial weights and data-order seed; all scored on the held-out split. A third, control arm
/// trains on the real images plus the same generated images with their labels shuffled among them: extra
/// images can help as a regulariser even when their labels mean little, and the gap between the augmented
/// and the control arm is what the generator's labels add. The labelled subset is
/// stratified: the first LabelsPerClass images of each class in the training split (repeat r takes the
/// next LabelsPerClass, so repeats never share images).
/// </summary>
internal static class Augmentation
{
    public static AugmentationResult Run(GenerativeModel generator, Dataset train, Dataset test, AugmentationOptions o,
        DigitClassifier? judge = null, Action<string>? progress = null)
    {
        if (!generator.IsConditional)
            throw new ArgumentException($"augmentation needs a conditional generator (cgan or cvae) to draw labelled samples; this checkpoint holds a {generator.Kind}");
        var mo = generator.Options;
        if (mo.Channels != train.Channels || mo.Height != train.Height || mo.Width != train.Width || mo.Classes != train.ClassCount)
            throw new ArgumentException($"the {generator.Kind} draws {mo.Classes} classes of {mo.Channels}x{mo.Height}x{mo.Width}; the data '{train.Name}' has {train.ClassCount} classes of {train.Channels}x{train.Height}x{train.Width}");
        if (o.LabelsPerClass < 1 || o.GeneratedPerClass < 0 || o.Steps < 1 || o.Repeats < 1 || o.BatchSize < 1)
            throw new ArgumentException("augmentation needs at least 1 label per class, 1 step, 1 repeat and batch size >= 1 (and no negative generated count)");
        int classes = train.ClassCount;
        var realOnly = new double[o.Repeats];
        var augmented = new double[o.Repeats];
        var control = new double[o.Repeats];
        GeneratedSamples? first = null;
        double? agreement = null;
        for (int r = 0; r < o.Repeats; r++)
        {
            var labelled = Stratified(train, r * o.LabelsPerClass, o.LabelsPerClass);
            var requested = Enumerable.Range(0, o.GeneratedPerClass * classes).Select(i => i % classes).ToArray();
            var training = new ClassifierTrainingOptions(o.Steps, o.BatchSize, Seed: o.Seed + (ulong)r);
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: {labelled.Count} real labels only");
            realOnly[r] = ClassifierTraining.Accuracy(ClassifierTraining.Train(labelled, training), test);
            if (requested.Length == 0)
            {
                augmented[r] = control[r] = realOnly[r];
                continue;
            }
            var samples = GeneratedSamples.Draw(generator, requested.Length, new Rng(o.Seed * 1000 + (ulong)r), labels: requested);
            if (first == null)
            {
                first = samples;
                if (judge != null) agreement = judge.Predict(samples.Images, samples.Count).Accuracy(requested);
            }
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: {labelled.Count} real + {samples.Count} generated");
            var union = Concat(labelled, new Dataset($"{generator.Kind} samples", samples.Images, train.ImageShape, requested, classes));
            augmented[r] = ClassifierTraining.Accuracy(ClassifierTraining.Train(union, training), test);
            progress?.Invoke($"repeat {r + 1}/{o.Repeats}: {labelled.Count} real + {samples.Count} generated with shuffled labels (control)");
            var shuffled = (int[])requested.Clone();
            new Rng(o.Seed * 7919 + (ulong)r).Shuffle(shuffled.AsSpan());
            var controlSet = Concat(labelled, new Dataset($"{generator.Kind} samples, labels shuffled", samples.Images, train.ImageShape, shuffled, classes));
            control[r] = ClassifierTraining.Accuracy(ClassifierTraining.Train(controlSet, training), test);
        }
        first ??= GeneratedSamples.Draw(generator, classes, new Rng(o.Seed * 1000), labels: Enumerable.Range(0, classes).ToArray());
        return new AugmentationResult(realOnly, augmented, control, first, o.LabelsPerClass * classes, o.GeneratedPerClass * classes, agreement);
    }

    /// <summary>For each class, its images number skip .. skip + perClass - 1 in data order.</summary>
    public static Dataset Stratified(Dataset data, int skip, int perClass)
    {
        var seen = new int[data.ClassCount];
        var picked = new List<int>();
        for (int i = 0; i < data.Count; i++)
        {
            int label = data.Labels[i];
            int rank = seen[label]++;
            if (rank >= skip && rank < skip + perClass) picked.Add(i);
        }
        for (int c = 0; c < data.ClassCount; c++)
            if (seen[c] < skip + perClass)
                throw new ArgumentException($"'{data.Name}' has {seen[c]} images of class {c}: too few for {perClass} labels per class after skipping {skip}");
        int size = data.ImageSize;
        var images = new float[picked.Count * size];
        var labels = new int[picked.Count];
        for (int k = 0; k < picked.Count; k++)
        {
            data.Image(picked[k]).CopyTo(images.AsSpan(k * size));
            labels[k] = data.Labels[picked[k]];
        }
        return new Dataset($"{data.Name} ({perClass} per class)", images, data.ImageShape, labels, data.ClassCount) { ClassNames = data.ClassNames };
    }

    private static Dataset Concat(Dataset a, Dataset b)
    {
        var images = new float[(a.Count + b.Count) * a.ImageSize];
        a.Images.CopyTo(images);
        b.Images.CopyTo(images.AsSpan(a.Count * a.ImageSize));
        int[] labels = [.. a.Labels, .. b.Labels];
        return new Dataset($"{a.Name} + {b.Name}", images, a.ImageShape, labels, a.ClassCount);
    }
}
