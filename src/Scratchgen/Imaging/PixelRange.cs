namespace Scratchgen.Imaging;

/// <summary>The range the caller's image values live in; values outside it are clamped when drawn.</summary>
public enum PixelRange
{
    /// <summary>[0, 1]: sigmoid outputs, data as loaded.</summary>
    ZeroToOne,

    /// <summary>[-1, 1]: tanh outputs (GAN generators).</summary>
    MinusOneToOne,
}
