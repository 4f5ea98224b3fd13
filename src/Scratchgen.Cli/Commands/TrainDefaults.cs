namespace Scratchgen.Cli.Commands;

/// <summary>The defaults of train's options that do not depend on the model (those that do come from
/// <see cref="Models.ModelFactory.Catalog"/>).</summary>
internal static class TrainDefaults
{
    public const int ImageSize = 28;
    public const int Channels = 1;
    public const string Architecture = "mlp";
    public const ulong Seed = 1;
}
