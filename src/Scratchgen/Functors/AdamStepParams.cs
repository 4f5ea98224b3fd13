namespace Scratchgen.Functors;

/// <summary>
/// The constants of one fused Adam/AdamW update, and the update itself (<see cref="Apply"/>), per element:
///   g' = g + WeightDecay p                 (L2 form: Decoupled = 0)
///   p  = p - Lr WeightDecay p              (decoupled form, AdamW: Decoupled = 1)
///   m  = Beta1 m + (1 - Beta1) g'
///   v  = Beta2 v + (1 - Beta2) g'^2
///   p  = p - Lr (m / C1) / (sqrt(v / C2) + Eps)      C1 = 1 - Beta1^t, C2 = 1 - Beta2^t
/// Plain floats (and an int flag) so that GPU kernels can take it as an argument.
/// </summary>
/// <param name="Lr">The learning rate.</param>
/// <param name="Beta1">The first moment's decay.</param>
/// <param name="Beta2">The second moment's decay.</param>
/// <param name="Eps">Added to sqrt(v) against division by zero.</param>
/// <param name="C1">Bias correction 1 - Beta1^t.</param>
/// <param name="C2">Bias correction 1 - Beta2^t.</param>
/// <param name="WeightDecay">The weight decay factor.</param>
/// <param name="Decoupled">1: AdamW's decay of p itself; 0: decay added to the gradient.</param>
public readonly record struct AdamStepParams(float Lr, float Beta1, float Beta2, float Eps, float C1, float C2, float WeightDecay, int Decoupled)
{
    /// <summary>The update of one element: p, m and v in place, g read. The Reference backend and the ILGPU kernels run
    /// exactly this; the Cpu backend runs it on the last elements of each span and an 8-lane form of it on the rest
    /// (CpuBackend.Adam.cs, which multiplies by 1 / C1 and 1 / C2 where this divides).</summary>
    public void Apply<T>(ref T p, T g, ref T m, ref T v) where T : struct, IReal<T>
    {
        if (Decoupled != 0) p -= T.Of(Lr) * T.Of(WeightDecay) * p;
        else g += T.Of(WeightDecay) * p;
        m = T.Of(Beta1) * m + (T.One - T.Of(Beta1)) * g;
        v = T.Of(Beta2) * v + (T.One - T.Of(Beta2)) * g * g;
        p -= T.Of(Lr) * (m / T.Of(C1)) / (T.Sqrt(v / T.Of(C2)) + T.Of(Eps));
    }

    /// <summary><see cref="Apply{T}"/> on host floats: the new p, m and v.</summary>
    public (float P, float M, float V) Apply(float p, float g, float m, float v)
    {
        HostReal<float> pe = p, me = m, ve = v;
        Apply(ref pe, g, ref me, ref ve);
        return (pe.Value, me.Value, ve.Value);
    }
}
