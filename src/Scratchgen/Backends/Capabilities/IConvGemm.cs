using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>A backend that runs the convolution's three GEMMs on the NCHW tensors and the image directly, with no
/// im2col matrix and no reorders between (N, K, P) and (K, N P). Without it the ops run the chunked lowering
/// (Im2Col, MatMul, Copy and Col2Im per chunk of images).</summary>
internal interface IConvGemm
{
    /// <summary>The convolution's GEMM: y (N, K, OH, OW) (+)= W (K, C R S) @ im2col(x), with x (N, C, H, W); w, x and y
    /// contiguous. The batch is the GEMM's column dimension (N OH OW).</summary>
    void Im2ColMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g, bool accumulate);

    /// <summary>The convolution's weight-gradient GEMM: dW (K, C R S) (+)= dY^T (K, N OH OW) @ im2col(x)^T, with
    /// dy (N, K, OH, OW) and x (N, C, H, W); all contiguous.</summary>
    void MatMulIm2ColT(Tensor dy, Tensor x, Tensor dw, ConvGeometry g, bool accumulate);

    /// <summary>The convolution's input gradient (and the transposed convolution): y (N, C, H, W) +=
    /// col2im(W^T (C R S, K) @ X^T (K, N OH OW)), with x (N, K, OH, OW); all contiguous.</summary>
    void Col2ImMatMul(Tensor w, Tensor x, Tensor y, ConvGeometry g);
}
