using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Scratchgen.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>scratchgen classifier train: trains the evaluation classifier (LeNet-5) on the training split
/// and writes its weights (the shipped file is data/mnist-classifier.safetensors).</summary>
internal sealed class ClassifierTrainCommand : Command<ClassifierTrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--out <FILE>"), Description("safetensors file to write (default: runs/classifier/mnist-classifier.safetensors; the shipped one is data/mnist-classifier.safetensors: write there and rebuild to embed it).")]
        public string Out { get; init; } = Path.Combine("runs", "classifier", DigitClassifier.ShippedFile);

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--train-count <N>"), Description("Images in the training split; the rest are held out.")]
        [DefaultValue(9000)]
        public int TrainCount { get; init; }

        [CommandOption("--epochs <N>"), Description("Passes over the training split.")]
        [DefaultValue(15)]
        public int Epochs { get; init; }

        [CommandOption("--batch-size <N>"), Description("Images per step.")]
        [DefaultValue(32)]
        public int BatchSize { get; init; }

        [CommandOption("--lr <RATE>"), Description("Adam learning rate.")]
        [DefaultValue(1e-3)]
        public double LearningRate { get; init; }

        [CommandOption("--seed <N>"), Description("Seeds the weights and the data order.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        public override ValidationResult Validate() =>
            Epochs < 1 ? ValidationResult.Error("--epochs must be at least 1")
            : BatchSize < 1 ? ValidationResult.Error("--batch-size must be at least 1")
            : LearningRate <= 0 ? ValidationResult.Error("--lr must be positive")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var data = DataSource.Load(s.Data);
        var (train, test) = data.Split(s.TrainCount);
        var options = new ClassifierTrainingOptions(ClassifierTrainingOptions.StepsFor(s.Epochs, train.Count, s.BatchSize), s.BatchSize, s.LearningRate, s.Seed);
        AnsiConsole.MarkupLineInterpolated($"training LeNet-5 on {train.Count} images of {data.Name} for {s.Epochs} epochs ({options.Steps} steps of {s.BatchSize}), seed {s.Seed}");
        var clock = Stopwatch.StartNew();
        int perEpoch = (train.Count + s.BatchSize - 1) / s.BatchSize;
        double lossSum = 0;
        var model = ClassifierTraining.Train(train, options, progress: (step, _, loss) =>
        {
            lossSum += loss;
            if (step % perEpoch == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"epoch {step / perEpoch}: mean training loss {lossSum / perEpoch:F4} ({clock.Elapsed.TotalSeconds:F0} s)");
                lossSum = 0;
            }
        });
        double accuracy = ClassifierTraining.Accuracy(model, test);
        var ci = CultureInfo.InvariantCulture;
        model.Save(s.Out, new Dictionary<string, string>
        {
            ["data"] = data.Name,
            ["train_count"] = train.Count.ToString(ci),
            ["held_out_count"] = test.Count.ToString(ci),
            ["held_out_accuracy"] = accuracy.ToString("F4", ci),
            ["epochs"] = s.Epochs.ToString(ci),
            ["batch_size"] = s.BatchSize.ToString(ci),
            ["learning_rate"] = s.LearningRate.ToString("R", ci),
            ["seed"] = s.Seed.ToString(ci),
            ["command"] = $"scratchgen classifier train --epochs {s.Epochs} --batch-size {s.BatchSize} --lr {s.LearningRate.ToString("R", ci)} --seed {s.Seed} --train-count {s.TrainCount}",
        });
        string hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(s.Out)));
        AnsiConsole.MarkupLineInterpolated($"held-out accuracy {100 * accuracy:F2} % on the last {test.Count} images; {clock.Elapsed.TotalSeconds:F0} s");
        AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFullPath(s.Out)} ({new FileInfo(s.Out).Length:N0} bytes, SHA-256 {hash})");
        return ExitCodes.Ok;
    }
}

/// <summary>scratchgen classifier accuracy: the evaluation classifier's accuracy on the held-out split.</summary>
internal sealed class ClassifierAccuracyCommand : Command<ClassifierAccuracyCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--weights <FILE>"), Description("Classifier safetensors file (default: the shipped one, embedded in the library).")]
        public string? Weights { get; init; }

        [CommandOption("--data <PATH>"), Description("IDX images file or folder (default: the embedded MNIST subset).")]
        public string? Data { get; init; }

        [CommandOption("--test-count <N>"), Description("Held-out images: the last N of the data.")]
        [DefaultValue(1000)]
        public int TestCount { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var model = DigitClassifier.LoadOrEmbedded(s.Weights);
        var data = DataSource.Load(s.Data);
        int n = Math.Min(s.TestCount, data.Count);
        var test = data.Slice(data.Count - n, n);
        var output = model.Predict(test.Images, test.Count);
        var table = new Table().Title($"classifier on the last {n} images of {data.Name}").AddColumns("digit", "images", "accuracy");
        for (int c = 0; c < model.Classes; c++)
        {
            int count = 0, right = 0;
            for (int i = 0; i < n; i++)
                if (test.Labels[i] == c)
                {
                    count++;
                    if (output.Predicted[i] == c) right++;
                }
            table.AddRow(c.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), count == 0 ? "-" : $"{100.0 * right / count:F1} %");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"accuracy {100 * output.Accuracy(test.Labels):F2} % ({s.Weights ?? "shipped weights"})");
        return ExitCodes.Ok;
    }
}
