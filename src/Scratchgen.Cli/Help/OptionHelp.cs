using Scratchgen.Cli.Commands;
using Scratchgen.Models;
using Scratchgen.Training;

namespace Scratchgen.Cli.Help;

/// <summary>Help texts built from the code's own lists and defaults (see <see cref="GeneratedDescriptionAttribute"/>).</summary>
internal static class OptionHelp
{
    public static string Backend =>
        $"Where tensors live: {string.Join(", ", Backends.Backend.Names)} (auto: cuda when a CUDA device is usable, else cpu; `devices` lists what this machine runs).";

    public static string TrainModel => $"{Choices(ModelFactory.Names)}; with --resume, the checkpoint's when left out.";

    public static string Epochs => $"Passes over the training split (default: the model's own: {PerModel(c => c.Epochs)}).";

    public static string BatchSize => $"Images per step (default: the model's own: {PerModel(c => c.BatchSize)}).";

    public static string LatentDim => $"Size of the latent code, 1 to {ModelLimits.MaxLatentDim} (default: the model's own: {PerModel(c => c.LatentDim)}).";

    public static string ImageSize => $"Side to resize a folder of images to, 4 to {ModelLimits.MaxSide} (default: {TrainDefaults.ImageSize}).";

    public static string Channels => $"{Choices(ModelLimits.Channels.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)))} (grayscale or RGB), for a folder of images (default: {TrainDefaults.Channels}).";

    public static string Architecture => $"{Choices(Checkpoint.Architectures)} (ae, dae, vae; default: {TrainDefaults.Architecture}).";

    private static string PerModel(Func<(string Name, string Description, int LatentDim, int Epochs, int BatchSize), int> value) =>
        string.Join(", ", ModelFactory.Catalog.Select(c => $"{c.Name} {value(c)}"));

    /// <summary>"a, b or c".</summary>
    public static string Choices(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count <= 1 ? string.Join("", list) : string.Join(", ", list.Take(list.Count - 1)) + " or " + list[^1];
    }
}
