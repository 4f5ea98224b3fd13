namespace Scratchgen.Backends;

/// <summary>
/// The shape of one 2-D convolution, as the kernels see it (square stride, padding and dilation):
///   x: (N, C, H, W), w: (K, C, R, S) -> y: (N, K, OH, OW)
///   OH = (H + 2 Padding - Dilation (R - 1) - 1) / Stride + 1   (OW likewise with W and S)
/// The im2col matrix of x is (C R S, N OH OW): row (c, r, s), column (n, oh, ow).
/// Transposed convolution uses the geometry of the convolution it is the input-gradient of, so
/// (N, C, H, W) is then the transposed convolution's output and (N, K, OH, OW) its input.
/// Pooling uses it with K = C and (R, S) the window.
/// </summary>
/// <param name="N">Batch size.</param>
/// <param name="C">Input channels.</param>
/// <param name="H">Input height.</param>
/// <param name="W">Input width.</param>
/// <param name="K">Output channels (filters).</param>
/// <param name="R">Kernel height.</param>
/// <param name="S">Kernel width.</param>
/// <param name="Stride">Step between windows, both axes.</param>
/// <param name="Padding">Zeros added on each side, both axes.</param>
/// <param name="Dilation">Spacing between kernel taps, both axes.</param>
public readonly record struct ConvGeometry(int N, int C, int H, int W, int K, int R, int S, int Stride = 1, int Padding = 0, int Dilation = 1)
{
    /// <summary>Output height: (H + 2 Padding - Dilation (R - 1) - 1) / Stride + 1.</summary>
    public int OH => (H + 2 * Padding - Dilation * (R - 1) - 1) / Stride + 1;

    /// <summary>Output width: (W + 2 Padding - Dilation (S - 1) - 1) / Stride + 1.</summary>
    public int OW => (W + 2 * Padding - Dilation * (S - 1) - 1) / Stride + 1;

    /// <summary>Rows of the im2col matrix: C R S.</summary>
    public int PatchSize => C * R * S;

    /// <summary>Output positions per image: OH OW.</summary>
    public int Positions => OH * OW;

    /// <summary>Columns of the im2col matrix: N OH OW.</summary>
    public int Columns => N * OH * OW;

    /// <summary>True when every size is positive and the kernel's reach fits the padded image.</summary>
    public bool IsValid =>
        N > 0 && C > 0 && H > 0 && W > 0 && K > 0 && R > 0 && S > 0 && Stride > 0 && Padding >= 0 && Dilation > 0 &&
        H + 2 * Padding >= Dilation * (R - 1) + 1 && W + 2 * Padding >= Dilation * (S - 1) + 1;

    /// <inheritdoc/>
    public override string ToString() =>
        $"x ({N}, {C}, {H}, {W}), kernel ({K}, {C}, {R}, {S}), stride {Stride}, padding {Padding}, dilation {Dilation} -> ({N}, {K}, {OH}, {OW})";
}
