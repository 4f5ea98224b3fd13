using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>
/// Conditional VAE: the VAE of <see cref="Vae"/> with the label's one-hot code y appended to the
/// encoder input (x, y) and to the decoder input (z, y), so q(z|x, y) and p(x|z, y): decoding a code
/// with a chosen label draws that digit. MLP only.
/// </summary>
public sealed class ConditionalVae(ModelOptions options) : Vae(options with { Architecture = "mlp" }, labelInputs: options.Classes)
{
    public override string Kind => "cvae";
    public override bool IsConditional => true;

    protected override Tensor Condition(Tensor features, int[]? labels) => OneHot.Append(features, labels, Options.Classes, Kind);
}
