namespace Scratchgen.Training;

/// <summary>The sizes a model may be built with, whether training asks for it or a checkpoint file
/// describes it. A checkpoint is untrusted input: these bounds keep a hostile file from asking for a
/// network larger than training could have made, so what training writes always loads again.</summary>
internal static class ModelLimits
{
    /// <summary>The largest latent code (the catalog's defaults are 4 to 100).</summary>
    public const int MaxLatentDim = 4096;

    /// <summary>The largest image side (a folder of images is resized to at most this).</summary>
    public const int MaxSide = 256;

    /// <summary>The most classes a data set (and so a conditional model) may have.</summary>
    public const int MaxClasses = 1000;

    /// <summary>Image channels: grayscale or RGB.</summary>
    public static IReadOnlyList<int> Channels { get; } = [1, 3];

    /// <summary>Null when a model of these sizes may be built, else what is out of bounds.</summary>
    public static string? Check(int channels, int height, int width, int classes, int latentDim) =>
        !Channels.Contains(channels) ? $"{channels} channels: expected {string.Join(" or ", Channels)}"
        : height is < 1 or > MaxSide || width is < 1 or > MaxSide ? $"images of {height}x{width}: each side must be from 1 to {MaxSide}"
        : classes is < 1 or > MaxClasses ? $"{classes} classes: expected 1 to {MaxClasses}"
        : latentDim is < 1 or > MaxLatentDim ? $"a latent code of {latentDim}: expected 1 to {MaxLatentDim}"
        : null;
}
