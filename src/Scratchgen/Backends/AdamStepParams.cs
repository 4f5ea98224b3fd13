using Scratchgen.Tensors;

namespace Scratchgen.Backends;

/// <summary>
/// The constants of one fused Adam/AdamW update, per element:
///   g' = g + WeightDecay p                 (L2 form: Decoupled = 0)
///   p  = p - Lr WeightDecay p              (decoupled form, AdamW: Decoupled = 1)
///   m  = Beta1 m + (1 - Beta1) g'
///   v  = Beta2 v + (1 - Beta2) g'^2
///   p  = p - Lr (m / C1) / (sqrt(v / C2) + Eps)      C1 = 1 - Beta1^t, C2 = 1 - Beta2^t
/// Plain floats (and an int flag) so that GPU kernels can take it as an argument.
/// </summary>
public readonly record struct AdamStepParams(float Lr, float Beta1, float Beta2, float Eps, float C1, float C2, float WeightDecay, int Decoupled)
{
    /// <summary>The update of one element; every backend's kernel applies exactly this (scalar form).</summary>
    public (float P, float M, float V) Apply(float p, float g, float m, float v)
    {
        if (Decoupled != 0) p -= Lr * WeightDecay * p;
        else g += WeightDecay * p;
        m = Beta1 * m + (1 - Beta1) * g;
        v = Beta2 * v + (1 - Beta2) * g * g;
        return (p - Lr * (m / C1) / (MathF.Sqrt(v / C2) + Eps), m, v);
    }
}

/// <summary>One parameter of an Adam step: the parameter p, its gradient g and its moments m and v (same shape;
/// p, m and v contiguous, updated in place).</summary>
public readonly record struct AdamTensors(Tensor P, Tensor G, Tensor M, Tensor V);
