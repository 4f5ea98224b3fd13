using Scratchgen.Data;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

namespace Scratchgen.Evaluation;

/// <summary>How <see cref="ClassifierTraining"/> trains: Adam on the mean cross-entropy, shuffled minibatches.</summary>
/// <param name="Steps">Optimizer steps (minibatches); epochs follow from the data size.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LearningRate">Adam's step size.</param>
/// <param name="Seed">Seeds the initial weights (Rng(Seed)) and the data order (Rng(Seed + 1)).</param>
internal sealed record ClassifierTrainingOptions(int Steps, int BatchSize = 64, double LearningRate = 1e-3, ulong Seed = 1)
{
    /// <summary>The steps of <paramref name="epochs"/> full passes over <paramref name="images"/> images.</summary>
    public static int StepsFor(int epochs, int images, int batchSize) => epochs * ((images + batchSize - 1) / batchSize);
}

/// <summary>Trains a <see cref="DigitClassifier"/> with Scratchgen's own autograd and Adam:
///   loss = -(1/B) sum_b log softmax(logits_b)[y_b].
/// A seed reproduces the weights bit for bit on the same backend.</summary>
internal static class ClassifierTraining
{
    /// <param name="progress">Called after each step with (step, steps, loss).</param>
    public static DigitClassifier Train(Dataset train, ClassifierTrainingOptions options, Backends.IBackend? backend = null,
        Action<int, int, double>? progress = null)
    {
        if (options.Steps < 1) throw new ArgumentException($"classifier training needs at least 1 step, got {options.Steps}");
        if (options.BatchSize < 1) throw new ArgumentException($"classifier batch size must be positive, got {options.BatchSize}");
        if (train.Channels != 1 || train.Height != DigitClassifier.Side || train.Width != DigitClassifier.Side)
            throw new ArgumentException($"the evaluation classifier trains on grayscale {DigitClassifier.Side}x{DigitClassifier.Side} images; '{train.Name}' holds {train.Channels}x{train.Height}x{train.Width}");
        var model = new DigitClassifier(new Rng(options.Seed), train.ClassCount, backend);
        var adam = new Adam(model.Parameters(), options.LearningRate);
        var batches = new BatchIterator(train, Math.Min(options.BatchSize, train.Count), new Rng(options.Seed + 1), model.Backend);
        model.Train();
        for (int step = 1; step <= options.Steps; step++)
        {
            var (images, labels) = batches.Next();
            var loss = Loss.CrossEntropy(model.Forward(images), labels);
            adam.ZeroGrad();
            loss.Backward();
            adam.Step();
            progress?.Invoke(step, options.Steps, loss.Item());
        }
        model.Eval();
        return model;
    }

    /// <summary>Share of the data set's images the classifier labels correctly.</summary>
    public static double Accuracy(DigitClassifier model, Dataset data) =>
        model.Predict(data.Images, data.Count).Accuracy(data.Labels);
}
