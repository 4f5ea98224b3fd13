using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>
/// Spectral normalisation (Miyato et al., 2018): a layer uses W / sigma(W), where sigma is W's largest
/// singular value, so the layer is at most 1-Lipschitz and a discriminator built of such layers cannot
/// sharpen without bound. With W seen as a matrix (O, R) (a convolution's (K, C R S)):
///   in training, one power-iteration step per forward (no gradient):  v = W^T u / |W^T u|,  u = W v / |W v|
///   sigma = u^T W v          (u and v held constant, so dsigma/dW = u v^T)
///   W_sn = W / sigma         (gradient: dW = (dW_sn - &lt;dW_sn, W_sn&gt; u v^T) / sigma, through Div and the product)
/// u and v are buffers (saved and resumed); in evaluation they stay fixed, so the layer is a plain function
/// of W there, which is what the gradient check differentiates.
/// </summary>
public sealed class SpectralNorm : Module
{
    private const double Eps = 1e-12;

    /// <summary>Left singular vector estimate, (O).</summary>
    public Tensor U { get; }

    /// <summary>Right singular vector estimate, (R).</summary>
    public Tensor V { get; }

    /// <summary>Power-iteration state for a weight seen as a rows x columns matrix; u and v start random.</summary>
    /// <param name="rows">O, the weight's first dimension.</param>
    /// <param name="columns">R, the product of the others.</param>
    /// <param name="rng">Draws the initial u and v.</param>
    /// <param name="backend">Where u and v live; null for the default backend.</param>
    /// <param name="dtype">Their element type (the weight's).</param>
    public SpectralNorm(int rows, int columns, Rng rng, IBackend? backend = null, DType dtype = DType.Float32)
    {
        if (rows < 1 || columns < 1) throw new ArgumentException($"spectral norm: the weight must have rows and columns, got {rows} x {columns}");
        U = Buffer("u", Normalized(Tensor.RandN([rows], rng, dtype: dtype, backend: backend)));
        V = Buffer("v", Normalized(Tensor.RandN([columns], rng, dtype: dtype, backend: backend)));
    }

    /// <summary>W / sigma(W); in training mode first one power-iteration step on u and v.</summary>
    public Tensor Apply(Tensor weight, bool training)
    {
        int rows = weight.Dims[0];
        var w = weight.Reshape([rows, -1]); // (O, R)
        if (training)
            using (GradMode.NoGrad())
            {
                var v = Normalized(U.Reshape([1, rows]).MatMul(w).Reshape([-1]));
                var u = Normalized(w.MatMul(v.Reshape([-1, 1])).Reshape([-1]));
                V.Backend.Copy(v, V);
                U.Backend.Copy(u, U);
            }
        var sigma = U.Reshape([1, rows]).MatMul(w).Reshape([-1]).Mul(V).Sum();
        return weight.Div(sigma);
    }

    private static Tensor Normalized(Tensor x) => x.Div(x.Square().Sum().Sqrt().Add(Eps));
}
