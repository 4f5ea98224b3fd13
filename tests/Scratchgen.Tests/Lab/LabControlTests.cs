using Scratchgen.Lab;

namespace Scratchgen.Tests.Lab;

/// <summary>The live lab's gate: every refused value is named with its field and what was expected, and a
/// refused value never becomes a change; accepted values come out canonical.</summary>
public sealed class LabControlTests
{
    [Theory]
    [InlineData("lr_d", "NaN")]
    [InlineData("lr_d", "1e30")]
    [InlineData("lr_d", "fast")]
    [InlineData("lr_g", "Infinity")]
    [InlineData("lr_g", "-1e-3")]
    [InlineData("lr_g", "0")]
    [InlineData("lr_d", "")]
    [InlineData("d_steps", "0")]
    [InlineData("d_steps", "2.5")]
    [InlineData("d_steps", "21")]
    [InlineData("g_width", "100000")]
    [InlineData("d_width", "1")]
    [InlineData("loss", "hinge")]
    [InlineData("data", "../../etc/passwd")]
    [InlineData("reset", "-4")]
    [InlineData("drawn", "")]
    [InlineData("drawn", "0 0;9 0")]
    [InlineData("drawn", "0,0")]
    public void BadValues_AreRefused_WithTheFieldNamed(string field, string value)
    {
        var (change, error) = LabControl.Parse(field, value);
        Assert.Null(change);
        Assert.NotNull(error);
        Assert.StartsWith(field + ":", error);
        Assert.Contains("expected", error);
    }

    [Fact]
    public void UnknownFields_AreRefused_AndLongValuesAreNotEchoedWhole()
    {
        var (change, error) = LabControl.Parse("batch", "64");
        Assert.Null(change);
        Assert.Contains("unknown control 'batch'", error);
        var (_, long_) = LabControl.Parse("loss", new string('x', 10_000));
        Assert.True(long_!.Length < 200, long_);
    }

    [Theory]
    [InlineData("lr_d", " 1E-4 ", "0.0001")]
    [InlineData("lr_g", "0.5", "0.5")]
    [InlineData("d_steps", "5", "5")]
    [InlineData("g_width", "16", "16")]
    [InlineData("loss", "wgan-gp", "wgan-gp")]
    [InlineData("data", "moons", "moons")]
    [InlineData("reset", "42", "42")]
    [InlineData("drawn", "1 2; -0.5 0.25", "1 2;-0.5 0.25")]
    public void GoodValues_BecomeCanonicalChanges(string field, string value, string canonical)
    {
        var (change, error) = LabControl.Parse(field, value);
        Assert.Null(error);
        Assert.Equal(new LabChange(field, canonical), change);
    }

    [Fact]
    public void TooManyDrawnPoints_AreRefused()
    {
        string points = string.Join(";", Enumerable.Range(0, LabDataSets.MaxDrawnPoints + 1).Select(i => $"0 {i % 3}"));
        Assert.Null(LabControl.Parse("drawn", points).Change);
        Assert.NotNull(LabControl.Parse("drawn", string.Join(";", Enumerable.Repeat("0 1", LabDataSets.MaxDrawnPoints))).Change);
    }

    [Fact]
    public void Apply_ChangesOnlyItsKnob()
    {
        var before = new LabSettings();
        var after = LabControl.Apply(before, new LabChange("lr_d", "0.0001"));
        Assert.Equal(before with { LrD = 1e-4 }, after);
        var drawn = LabControl.Apply(before, new LabChange("drawn", "1 1;-1 -1"));
        Assert.Equal("drawn", drawn.Data);
        Assert.Equal(2, drawn.Distribution.Modes);
        Assert.Equal(LabLoss.Minimax, LabControl.Apply(before, new LabChange("loss", "minimax")).Loss);
    }

    [Fact]
    public void ChangeLog_RefusesAnEntryThePageWouldRefuse()
    {
        const string log = """{"format": "scratchgen-lab-log/1", "batch_size": 64, "seed": 3, "changes": [{"step": 5, "field": "lr_d", "value": "NaN"}]}""";
        var ex = Assert.Throws<InvalidDataException>(() => LabChangeLog.Parse(log, "log.json"));
        Assert.Contains("change 1", ex.Message);
        Assert.Contains("lr_d", ex.Message);
        Assert.Throws<InvalidDataException>(() => LabChangeLog.Parse("""{"format": "other"}""", "log.json"));
        Assert.Throws<InvalidDataException>(() => LabChangeLog.Parse("not json", "log.json"));
    }
}
