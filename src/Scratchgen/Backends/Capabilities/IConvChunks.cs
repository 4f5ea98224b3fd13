using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend that runs the convolution as the chunked lowering (no <see cref="IConvGemm"/>) and saves launches
/// in it: chunks of its own size, and a col2im that writes its output (with a bias) instead of adding to it.</summary>
internal interface IConvChunks
{
    /// <summary>The chunk size of the lowering without this capability: 2 MB of im2col columns, which stays in a host's cache.</summary>
    const int DefaultScratchFloats = 1 << 19;

    /// <summary>Floats of im2col columns the lowering builds at a time: the batch is walked in chunks of images
    /// that fit. A GPU wants few, large GEMMs (each chunk costs several launches).</summary>
    int ConvScratchFloats { get; }

    /// <summary>x = col2im(cols) + b[c] (b (C) or null: 0), x written in full: <see cref="IBackend.Col2Im"/> on a
    /// zeroed or bias-filled x, without the fill.</summary>
    void Col2ImInto(Tensor cols, Tensor x, Tensor? bias, ConvGeometry g);
}
