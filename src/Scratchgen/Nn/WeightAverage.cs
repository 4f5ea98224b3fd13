using Scratchgen.Autograd;
using Scratchgen.Ops;

namespace Scratchgen.Nn;

/// <summary>
/// An exponential moving average of a network's weights (Polyak averaging, as GANs sample with it since
/// Karras et al. and Yazici et al.): a second copy of the network whose every parameter and buffer follows
/// the trained one,
///   a_t = d_t a_{t-1} + (1 - d_t) w_t,      d_t = min(decay, (1 + t) / (10 + t))   (t: updates so far)
/// The warm-up d_t lets the average forget the random initialisation within the first few dozen steps
/// instead of the 1 / (1 - decay) it would take. A GAN's generator oscillates around a good solution
/// while D and G chase each other; the average sits nearer its centre, so samples from it are steadier
/// and sharper. The copy's tensors are this module's buffers (saved in the checkpoint, never trained);
/// it always runs in evaluation mode.
/// </summary>
public sealed class WeightAverage : Layer
{
    private readonly Layer _copy;
    private readonly IReadOnlyList<Tensors.Tensor> _averaged;

    /// <summary>An exponential moving average of a network's weights, held in <paramref name="copy"/>: avg = d avg + (1 - d) w after each update.</summary>
    /// <param name="copy">A second instance of the averaged network's architecture (its values are overwritten by <see cref="Reset"/>).</param>
    /// <param name="decay">d: the weight of the past, in [0, 1).</param>
    public WeightAverage(Layer copy, double decay)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "the average's decay must be in [0, 1)");
        Decay = decay;
        _copy = copy;
        _copy.Eval();
        var state = copy.StateDict();
        foreach (var (name, t) in state)
        {
            t.RequiresGrad = false;
            Buffer(name, t);
        }
        _averaged = state.Select(s => s.Tensor).ToList();
    }

    /// <summary>The weight an old average keeps per update: avg = decay avg + (1 - decay) w.</summary>
    public double Decay { get; }

    /// <inheritdoc/>
    public override bool MixesSamples => false;

    /// <summary>The averaged network's output (in evaluation mode).</summary>
    public override Tensors.Tensor Forward(Tensors.Tensor x) => _copy.Forward(x);

    /// <summary>The decay applied at update number <paramref name="updates"/> (0-based).</summary>
    public double DecayAt(long updates) => Math.Min(Decay, (1.0 + updates) / (10.0 + updates));

    /// <summary>Sets the average to <paramref name="source"/>'s current values.</summary>
    public void Reset(Module source) => Blend(source, 0);

    /// <summary>One step of the average towards <paramref name="source"/>, the <paramref name="updates"/>-th (0-based).</summary>
    public void Update(Module source, long updates) => Blend(source, DecayAt(updates));

    private void Blend(Module source, double keep)
    {
        var from = source.StateDict();
        if (from.Count != _averaged.Count)
            throw new ArgumentException($"the average holds {_averaged.Count} tensors, the network {from.Count}: not the same architecture");
        using var _ = GradMode.NoGrad();
        for (int i = 0; i < _averaged.Count; i++)
        {
            var a = _averaged[i];
            var w = from[i].Tensor;
            if (!Tensors.Shapes.Equal(a.Dims, w.Dims))
                throw new ArgumentException($"the average's tensor {i} is {Tensors.Shapes.Format(a.Dims)}, the network's '{from[i].Name}' {Tensors.Shapes.Format(w.Dims)}");
            if (keep == 0) a.Backend.Copy(w, a);
            else a.Backend.Zip(a, w, a, new LinearCombinationFn(keep, 1 - keep));
        }
    }
}
