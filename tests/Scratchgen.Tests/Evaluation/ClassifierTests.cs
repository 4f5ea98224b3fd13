using Scratchgen.Checkpoints;
using Scratchgen.Data;
using Scratchgen.Evaluation;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Evaluation;

/// <summary>The shipped evaluation classifier and what it measures on real digits.</summary>
public sealed class ClassifierTests
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Split = new(() => Embedded.Mnist10k().Split(9000));

    [Fact]
    public void ShippedClassifier_LoadsAndIsAccurateOnHeldOutDigits()
    {
        var classifier = DigitClassifier.LoadEmbedded();
        var test = Split.Value.Test;
        double accuracy = ClassifierTraining.Accuracy(classifier, test);
        Assert.True(accuracy >= 0.97, $"held-out accuracy {accuracy:P2}, expected at least 97 %");
        Assert.Equal(accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), classifier.Metadata["held_out_accuracy"]);
    }

    [Fact]
    public void RealDigits_BeatNoise_OnFid_AndCoverEveryClass()
    {
        var classifier = DigitClassifier.LoadEmbedded();
        var (train, test) = Split.Value;
        var real = classifier.Predict(test.Images, test.Count);
        var reference = classifier.Predict(train.Images[..(1000 * 784)], 1000);
        var rng = new Rng(1);
        var noise = new float[1000 * 784];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextDouble();
        var fake = classifier.Predict(noise, 1000);
        int f = DigitClassifier.FeatureSize;
        double fidReal = Fid.Compute(reference.Features, 1000, real.Features, 1000, f);
        double fidNoise = Fid.Compute(fake.Features, 1000, real.Features, 1000, f);
        Assert.True(fidReal * 10 < fidNoise, $"FID of real digits {fidReal} must be far below that of noise images {fidNoise}");
        var balance = ClassBalance.Measure(real.Predicted, train.Labels, 10);
        Assert.Equal(10, balance.Covered);
        Assert.True(Math.Abs(balance.LargestDeviation) < 0.03, balance.DescribeLargestDeviation());
        Assert.True(InceptionScore.Compute(real.Probabilities, 1000, 10) > 8, "real digits are confidently classified into all ten classes");
        Assert.True(real.ConfidentShare(0.9) > 0.9, $"only {real.ConfidentShare(0.9):P1} of real digits were classified with p >= 0.9");
    }

    [Fact]
    public void Training_OnATinySubset_LearnsAndIsReproducible()
    {
        var (train, test) = Split.Value;
        var small = train.Slice(0, 600);
        var options = new ClassifierTrainingOptions(Steps: 40, BatchSize: 16, LearningRate: 3e-3, Seed: 4);
        var a = ClassifierTraining.Train(small, options);
        var b = ClassifierTraining.Train(small, options);
        double accuracy = ClassifierTraining.Accuracy(a, test.Slice(0, 300));
        Assert.True(accuracy > 0.5, $"40 steps on 600 digits reached {accuracy:P1}; chance is 10 %");
        Assert.Equal(a.Fc3.Weight.ToArray(), b.Fc3.Weight.ToArray()); // one seed, one backend: the same weights
    }

    [Fact]
    public void Load_OfAnotherArchitecture_NamesTheFileAndTheTensor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scratchgen-classifier-{Guid.NewGuid():N}.safetensors");
        try
        {
            var classifier = new DigitClassifier(new Rng(1));
            var tensors = classifier.StateDict().ToDictionary(p => p.Name, p => p.Tensor);
            tensors["fc2.weight"] = Tensor.Zeros([50, 120]); // a narrower feature layer
            SafeTensors.Write(path, tensors, new Dictionary<string, string>
            {
                ["format"] = DigitClassifier.Format, ["architecture"] = DigitClassifier.Architecture, ["classes"] = "10",
            });
            var ex = Assert.Throws<InvalidDataException>(() => DigitClassifier.Load(path));
            Assert.Contains(path, ex.Message);
            Assert.Contains("'fc2.weight'", ex.Message);
            Assert.Contains("(50, 120)", ex.Message);
            Assert.Contains("(84, 120)", ex.Message);

            SafeTensors.Write(path, tensors, new Dictionary<string, string> { ["format"] = "scratchgen-checkpoint-1" });
            ex = Assert.Throws<InvalidDataException>(() => DigitClassifier.Load(path));
            Assert.Contains("'format'", ex.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Predict_RefusesImagesOfAnotherShape()
    {
        var classifier = new DigitClassifier(new Rng(1));
        var ex = Assert.Throws<ShapeException>(() => classifier.Predict(Tensor.Zeros([2, 3, 28, 28])));
        Assert.Contains("(2, 3, 28, 28)", ex.Message);
    }
}
