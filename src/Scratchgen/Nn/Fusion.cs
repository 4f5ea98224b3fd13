using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>
/// The fusion pass. Models are written layer by layer, as in the textbook (Linear, BatchNorm, Relu);
/// <see cref="Sequential"/> asks this pass for its plan, and a layer followed by an activation it can take
/// into its own op runs with it as one fused op (Ops/Fused/; batch norm's is its own training op, Ops/Norm/).
/// The rules, f an elementwise activation layer (Relu, LeakyRelu, Elu, Tanh, Sigmoid):
///
///   Linear with a bias    then f  ->  linear+f      (LinearActivationOp: the bias and f in one kernel)
///   Conv2d with a bias    then f  ->  conv2d+f      (Conv2dActivationOp: the bias and f in one pass)
///   BatchNorm in training then f  ->  batch_norm+f  (BatchNormTrainOp with f: f in the normalizing pass)
///
/// Any other layer runs its own op. A fused op gives the values and gradients of the two layers one after
/// the other (bit for bit on the Cpu backend, save conv2d+f where the conv GEMM splits C R S into blocks:
/// equal up to rounding), with one pass over the tensor and one kernel launch fewer each way.
/// <see cref="Disable"/> turns the pass off on the calling thread (train --no-fusion); <see cref="Watch"/>
/// lists the fused pairs that ran (trace). A new pair: its op under Ops/Fused/, a line in
/// <see cref="Epilogue{TFn}.Into"/> (a new layer) or in <see cref="EpilogueOf"/> (a new activation), and
/// its case in Diagnostics/OpCatalog (gradient checks, backend parity).
/// </summary>
internal static class Fusion
{
    [ThreadStatic] private static bool t_disabled;
    [ThreadStatic] private static List<string>? t_watched;

    /// <summary>True unless a <see cref="Disable"/> scope is open on this thread.</summary>
    public static bool IsEnabled => !t_disabled;

    /// <summary>Every layer runs its own op until the scope is disposed: <c>using var _ = Fusion.Disable();</c></summary>
    public static Scope Disable()
    {
        var scope = new Scope(t_disabled);
        t_disabled = true;
        return scope;
    }

    /// <summary>Restores the switch as it was. A default Scope does nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _active, _previousDisabled;

        internal Scope(bool previousDisabled) => (_active, _previousDisabled) = (true, previousDisabled);

        public void Dispose()
        {
            if (_active) t_disabled = _previousDisabled;
        }
    }

    /// <summary>Collects the fused pairs run on this thread ("BatchNorm+Relu", once per run) until disposed.</summary>
    public static Watcher Watch() => new();

    public sealed class Watcher : IDisposable
    {
        private readonly List<string>? _previous = t_watched;
        private readonly List<string> _pairs = [];

        internal Watcher() => t_watched = _pairs;

        public IReadOnlyList<string> Pairs => _pairs;

        public void Dispose() => t_watched = _previous;
    }

    /// <summary>One step of a plan: a layer alone, or a layer and the activation after it as one fused op.</summary>
    public sealed class Step
    {
        private readonly Func<Tensor, Tensor> _forward;

        internal Step(string name, bool fused, Func<Tensor, Tensor> forward) => (Name, IsFused, _forward) = (name, fused, forward);

        /// <summary>The layer's type name, or the pair's ("BatchNorm+Relu").</summary>
        public string Name { get; }

        public bool IsFused { get; }

        public Tensor Forward(Tensor x)
        {
            if (IsFused) t_watched?.Add(Name);
            return _forward(x);
        }
    }

    /// <summary>How to run the layers in order now: with each layer's current mode and this thread's switch.</summary>
    public static IReadOnlyList<Step> Plan(IReadOnlyList<Layer> layers)
    {
        var steps = new List<Step>(layers.Count);
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (IsEnabled && i + 1 < layers.Count && EpilogueOf(layers[i + 1])?.Into(layer) is { } fused)
            {
                steps.Add(new Step($"{layer.GetType().Name}+{layers[i + 1].GetType().Name}", true, fused));
                i++;
                continue;
            }
            steps.Add(new Step(layer.GetType().Name, false, layer.Forward));
        }
        return steps;
    }

    // The activations a layer can take into its op: the functor, the name in the fused op's name, and the
    // same activation as a tensor op (for recorded backwards).
    private static Epilogue? EpilogueOf(Layer activation) => activation switch
    {
        Relu => new Epilogue<ReluFn>(default, "relu", t => t.Relu()),
        LeakyRelu a => new Epilogue<LeakyReluFn>(new(a.Slope), "leaky_relu", t => t.LeakyRelu(a.Slope)),
        Elu a => new Epilogue<EluFn>(new(a.Alpha), "elu", t => t.Elu(a.Alpha)),
        Tanh => new Epilogue<TanhFn>(default, "tanh", t => t.Tanh()),
        Sigmoid => new Epilogue<SigmoidFn>(default, "sigmoid", t => t.Sigmoid()),
        _ => null,
    };

    private abstract class Epilogue
    {
        /// <summary>activation(layer.Forward(x)) as one op, or null when the layer cannot take it.</summary>
        public abstract Func<Tensor, Tensor>? Into(Layer layer);
    }

    private sealed class Epilogue<TFn>(TFn fn, string name, Func<Tensor, Tensor> activation) : Epilogue where TFn : struct, IUnaryFn
    {
        public override Func<Tensor, Tensor>? Into(Layer layer) => layer switch
        {
            Linear { Bias: { } b } l => x => x.LinearThen(l.EffectiveWeight, b, fn, name, activation),
            Conv2d { Bias: { } b } c => x => x.Conv2dThen(c.EffectiveWeight, b, c.Stride, c.Padding, c.Dilation, fn, name, activation),
            BatchNorm { Training: true } n => x => BatchNormFunction.ApplyThen(x, n.Weight, n.Bias, n.RunningMean, n.RunningVar, n.Momentum, n.Eps, fn, name, activation),
            _ => null,
        };
    }
}
