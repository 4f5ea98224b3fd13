using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Conditional VAE: the VAE of <see cref="Vae"/> with the label's one-hot code y appended to the
/// encoder input (x, y) and to the decoder input (z, y), so q(z|x, y) and p(x|z, y): decoding a code
/// with a chosen label draws that digit. MLP only. The recipe's cond says where the decoder reads y:
/// at its input only (plain), or at every layer (every).
/// </summary>
public sealed class ConditionalVae : Vae
{
    /// <summary>The recipe's settings: the KL weight and where the decoder reads the label.</summary>
    public static new IReadOnlyList<RecipeKnob> Knobs { get; } =
    [
        BetaKnob with { Default = "3" },
        new("cond", "input", "input", "[input|every] the decoder reads the label at its input only, or at every layer"),
    ];

    /// <summary>A conditional VAE (MLP) for the image size, classes and latent width in <paramref name="options"/>, with the recipe in options.Recipe applied.</summary>
    public ConditionalVae(ModelOptions options) : this(options with { Architecture = "mlp" }, Recipe.Parse(options.Recipe, Knobs, "cvae")) { }

    private ConditionalVae(ModelOptions options, Recipe recipe)
        : base(options, recipe, labelInputs: options.Classes, labelEveryLayer: recipe.Word("cond") == "every") { }

    /// <inheritdoc/>
    public override string Kind => "cvae";
    /// <inheritdoc/>
    public override bool IsConditional => true;

    /// <inheritdoc/>
    protected override Tensor Condition(Tensor features, int[]? labels) => OneHot.Append(features, labels, Options.Classes, Kind);
}
