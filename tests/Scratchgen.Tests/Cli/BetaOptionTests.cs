using System.Security.Cryptography;
using Scratchgen.Checkpoints;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Cli;

/// <summary>`train vae --beta B` is `--recipe beta=B`: the same weights, the same recipe stored in the
/// checkpoint, the same checks on resume; given beside --recipe, or to a model without a KL term, it is
/// refused with exit code 2.</summary>
public sealed class BetaOptionTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scratchgen-beta-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string[] Train(string name, params string[] extra) =>
        ["train", "vae", "--limit", "240", "--train-count", "200", "--batch-size", "16", "--epochs", "1",
         "--latent-dim", "4", "--seed", "5", "--max-steps", "3", "--out", Path.Combine(_dir, name), .. extra];

    private string ModelFile(string name) => Path.Combine(_dir, name, "checkpoint", "model.safetensors");

    [Fact]
    public void Beta_TrainsAsTheRecipe_IsStoredAsIt_AndIsCheckedOnResume()
    {
        var flag = CliProcess.Run(Train("flag", "--beta", "4"), Timeout);
        Assert.True(flag.ExitCode == 0, flag.Output);
        var recipe = CliProcess.Run(Train("recipe", "--recipe", "beta=4"), Timeout);
        Assert.True(recipe.ExitCode == 0, recipe.Output);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(ModelFile("recipe"))), SHA256.HashData(File.ReadAllBytes(ModelFile("flag"))));
        Assert.Equal("beta=4", SafeTensors.Read(ModelFile("flag")).Metadata["recipe"]);
        var plain = CliProcess.Run(Train("plain"), Timeout);
        Assert.True(plain.ExitCode == 0, plain.Output);
        Assert.NotEqual(SHA256.HashData(File.ReadAllBytes(ModelFile("plain"))), SHA256.HashData(File.ReadAllBytes(ModelFile("flag"))));

        string checkpoint = Path.Combine(_dir, "flag", "checkpoint");
        var other = CliProcess.Run(["train", "--resume", checkpoint, "--beta", "2"], Timeout, CliProcess.QuickStart);
        Assert.True(other.ExitCode == 2, other.Output);
        Assert.Contains("--recipe beta=2 contradicts the checkpoint", CliProcess.Flat(other.Output));
        var same = CliProcess.Run(["train", "--resume", checkpoint, "--beta", "4", "--max-steps", "4"], Timeout, CliProcess.QuickStart);
        Assert.True(same.ExitCode == 0, same.Output);
    }

    [Theory]
    [InlineData("--beta 4 is --recipe beta=4", "train", "vae", "--beta", "4", "--recipe", "beta=2")]
    [InlineData("--beta must be a finite number >= 0", "train", "vae", "--beta", "-1")]
    [InlineData("gan has no KL term", "train", "gan", "--beta", "2")]
    public void Beta_IsRefused_BesideARecipe_BelowZero_OrWithoutAKlTerm(string message, params string[] args)
    {
        var r = CliProcess.Run([.. args, "--out", Path.Combine(_dir, "refused")], Timeout, CliProcess.QuickStart);
        Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}:\n{r.Output}");
        Assert.Contains(message, CliProcess.Flat(r.Output));
        Assert.False(Directory.Exists(Path.Combine(_dir, "refused")));
    }
}
