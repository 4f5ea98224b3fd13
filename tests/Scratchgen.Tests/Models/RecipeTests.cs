using Scratchgen.Models;

namespace Scratchgen.Tests.Models;

public sealed class RecipeTests
{
    private static readonly RecipeKnob[] Knobs =
    [
        new("lr", "0.001", "0.0002", "learning rate"),
        new("ema", "0.999", "0", "average decay"),
        new("loss", "hinge", "bce", "[bce|hinge] the loss"),
    ];

    [Fact]
    public void Defaults_Plain_AndOverrides_Resolve()
    {
        var defaults = Recipe.Parse(null, Knobs, "m");
        Assert.Equal("lr=0.001,ema=0.999,loss=hinge", defaults.ToString());
        Assert.False(defaults.IsPlain);
        var plain = Recipe.Parse("plain", Knobs, "m");
        Assert.Equal("lr=0.0002,ema=0,loss=bce", plain.ToString());
        Assert.True(plain.IsPlain);
        var mixed = Recipe.Parse("plain, ema=0.99", Knobs, "m");
        Assert.Equal(0.99, mixed.Number("ema"));
        Assert.Equal("bce", mixed.Word("loss"));
        Assert.Equal(0.001, Recipe.Parse("loss=bce", Knobs, "m").Number("lr"));
    }

    [Fact]
    public void ToString_ParsesBackToTheSameRecipe()
    {
        var r = Recipe.Parse("ema=0.5,loss=bce", Knobs, "m");
        Assert.Equal(r.ToString(), Recipe.Parse(r.ToString(), Knobs, "m").ToString());
    }

    [Theory]
    [InlineData("emaa=0.9", "has no setting 'emaa'")]
    [InlineData("ema", "is not name=value")]
    [InlineData("ema=NaN", "finite number")]
    [InlineData("ema=-1", "finite number")]
    [InlineData("lr=fast", "finite number")]
    [InlineData("loss=l2", "one of bce, hinge")]
    public void BadSettings_AreRefusedByName(string text, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => Recipe.Parse(text, Knobs, "m"));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("--recipe", ex.Message);
    }

    [Fact]
    public void EveryCatalogModel_BuildsWithItsDefaultAndPlainRecipes()
    {
        foreach (var name in ModelFactory.Names)
            foreach (var recipe in new string?[] { null, Recipe.PlainName })
            {
                var model = ModelFactory.Create(name, new ModelOptions(LatentDim: 4, Recipe: recipe));
                Assert.Equal(ModelFactory.Knobs(name).Count, model.Recipe.Knobs.Count);
                Assert.Equal(recipe == Recipe.PlainName || model.Recipe.Knobs.All(k => k.Default == k.Plain), model.Recipe.IsPlain);
            }
    }
}
