using Scratchgen.Data;
using Scratchgen.Evaluation;

namespace Scratchgen.Tests.Evaluation;

public sealed class QualityTableTests
{
    private static QualityRow Row(string model, ulong seed, double fid, double seconds) =>
        new(model, seed, new Dictionary<string, double> { ["fid"] = fid, ["seconds"] = seconds }, []);

    [Fact]
    public void Median_OfOddAndEvenCounts_AndMissingColumns()
    {
        var rows = new[] { Row("gan", 1, 300, 10), Row("gan", 2, 100, 30), Row("gan", 3, 200, 20) };
        Assert.Equal(200, QualityTable.Median(rows, "fid"));
        Assert.Equal(150, QualityTable.Median(rows[1..], "fid"));
        Assert.True(double.IsNaN(QualityTable.Median(rows, "label_agreement")));
    }

    [Fact]
    public void Markdown_ShowsTheMedianInBold_AndEverySeed()
    {
        var md = QualityTable.Markdown([Row("gan", 1, 300, 10), Row("gan", 2, 100, 30), Row("gan", 3, 200, 20), Row("dcgan", 1, 50, 90)]);
        var lines = md.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| model | FID | wall s |", lines[0]);
        Assert.Equal("| gan | **200.0** (300.0, 100.0, 200.0) | **20** (10, 30, 20) |", lines[2]);
        Assert.Equal("| dcgan | 50.0 | 90 |", lines[3]);
    }

    [Fact]
    public void Run_TrainsWithTheDefaults_AndScoresTheModel()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sg-quality-" + Guid.NewGuid().ToString("N"));
        try
        {
            var row = QualityTable.Run("vae", 2, Embedded.Mnist10k(), DigitClassifier.LoadEmbedded(), dir,
                new QualityRunOptions(Epochs: 1, Limit: 600, Samples: 50));
            Assert.Equal("vae", row.Model);
            Assert.Equal(2UL, row.Seed);
            Assert.InRange(row.Metrics["test.neg_elbo"], 100, 600);      // nats per image after 4 steps: far from 0, far from 784 ln 2
            Assert.InRange(row.Metrics["coverage"], 1, 10);
            Assert.True(row.Metrics["seconds"] > 0);
            Assert.True(File.Exists(Path.Combine(dir, "eval.json")));
            Assert.True(File.Exists(Path.Combine(dir, "checkpoint", "model.safetensors")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
