using Scratchgen.Autograd;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Optim;

/// <summary>Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_.</summary>
public static class GradClip
{
    /// <summary>The global L2 norm of all gradients: sqrt(sum over parameters of sum(g^2)).</summary>
    public static double GlobalNorm(IEnumerable<Tensor> parameters)
    {
        using var _ = GradMode.NoGrad();
        return Math.Sqrt(TensorChecks.SumOfSquares(parameters.Where(p => p.Grad != null).Select(p => p.Grad!)));
    }

    /// <summary>Scales every gradient by maxNorm / (norm + 1e-6) when the global norm exceeds maxNorm.
    /// Returns the norm before clipping.</summary>
    public static double ClipByGlobalNorm(IReadOnlyList<Tensor> parameters, double maxNorm)
    {
        double norm = GlobalNorm(parameters);
        if (norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            using var _ = GradMode.NoGrad();
            foreach (var p in parameters)
                if (p.Grad != null) p.Grad = p.Grad.Mul(scale); // a new tensor: Grad may share storage (see BackwardPass)
        }
        return norm;
    }
}
