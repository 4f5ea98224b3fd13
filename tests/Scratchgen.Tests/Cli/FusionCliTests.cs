using System.Security.Cryptography;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>The fusion pass through the real command: trace names the layer pairs it ran as one op, and
/// none with --no-fusion; train --no-fusion writes the checkpoint the fused run writes, bit for bit, on the
/// Cpu backend (the gan: Linear+LeakyRelu and BatchNorm+LeakyRelu pairs).</summary>
public sealed class FusionCliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-fusion-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Trace_NamesTheFusedPairs_AndNoneWithNoFusion()
    {
        var fused = CliProcess.Run(["trace", "--model", "gan"], Timeout, CliProcess.QuickStart);
        Assert.True(fused.ExitCode == 0, fused.Output);
        // G: three BatchNorm+LeakyRelu; D: two Linear+LeakyRelu per pass, three passes (real, fake, G's
        // step: D's minibatch-spread layer mixes samples, so real and fake do not share one batch).
        Assert.Contains("fused: BatchNorm+LeakyRelu x3, Linear+LeakyRelu x6", fused.Output);
        Assert.Contains("batch_norm+leaky_relu", fused.Output);

        var unfused = CliProcess.Run(["trace", "--model", "gan", "--no-fusion"], Timeout, CliProcess.QuickStart);
        Assert.True(unfused.ExitCode == 0, unfused.Output);
        Assert.Contains("fused: none (--no-fusion)", unfused.Output);
        Assert.DoesNotContain("batch_norm+", unfused.Output);
        Assert.DoesNotContain("linear+", unfused.Output);
        Assert.Contains("batch_norm", unfused.Output);
    }

    [Fact]
    public void TrainNoFusion_WritesTheFusedRunsCheckpoint()
    {
        string[] Train(string name, params string[] extra) =>
            ["train", "gan", "--limit", "96", "--train-count", "64", "--batch-size", "16", "--epochs", "1", "--latent-dim", "4",
             "--seed", "3", "--out", Path.Combine(_dir, name), .. extra];
        var fused = CliProcess.Run(Train("fused"), Timeout);
        Assert.True(fused.ExitCode == 0, fused.Output);
        var unfused = CliProcess.Run(Train("unfused", "--no-fusion"), Timeout);
        Assert.True(unfused.ExitCode == 0, unfused.Output);
        foreach (var file in new[] { "model.safetensors", "training-state.safetensors" })
            Assert.True(Sha256(Path.Combine(_dir, "fused", "checkpoint", file)) == Sha256(Path.Combine(_dir, "unfused", "checkpoint", file)),
                $"{file} differs between train and train --no-fusion");
    }

    private static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
