using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// A node of the tape: one differentiable operation with its inputs, its forward computation and the
/// rule for its backward. Every op file in Ops/ holds one subclass with the math written beside it.
/// </summary>
/// <remarks>
/// Your own op, outside this assembly: subclass Op, pass the inputs to the base constructor, write
/// <see cref="Forward"/> and <see cref="Backward"/> with public tensor ops (so it runs on every backend
/// and dtype), and call <see cref="Run"/> to execute and record it:
/// <code>
/// // y = x * s, s = sigmoid(x)        dx = dy * (s + x s (1 - s))
/// sealed class SwishOp(Tensor x) : Op(x)
/// {
///     public override string Name => "swish";
///     protected override Tensor Forward() => Inputs[0].Mul(Inputs[0].Sigmoid());
///     public override Tensor?[] Backward(Tensor dy)
///     {
///         var x = Inputs[0]; var s = x.Sigmoid();
///         return [dy.Mul(s.Add(x.Mul(s).Mul(s.RSub(1))))];
///     }
/// }
/// var y = new SwishOp(x).Run();
/// GradCheck.Assert(xs =&gt; new SwishOp(xs[0]).Run(), [x]);
/// GradCheck.AssertSecondOrder(xs =&gt; new SwishOp(xs[0]).Run(), [x]);
/// </code>
/// A Backward written with tensor ops is itself recorded when the pass runs with createGraph, so
/// gradients of gradients need nothing more. examples/custom-op holds this op, a layer and a loss.
/// </remarks>
public abstract class Op
{
    private readonly Tensor[] _inputs;

    /// <summary>Records the op's inputs; the derived op's constructor passes them in the order <see cref="Backward"/> returns their gradients.</summary>
    protected Op(params Tensor[] inputs) => _inputs = inputs;

    /// <summary>The input tensors, in the order given to the constructor.</summary>
    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>The op's name as users write it (for traces, graphs and error messages).</summary>
    public abstract string Name { get; }

    /// <summary>The local derivative rule, in words, for the backward trace.</summary>
    public virtual string Rule => "";

    /// <summary>The backend every input lives on (ops check that they agree).</summary>
    protected IBackend Backend => _inputs[0].Backend;

    /// <summary>Computes the output. Called once, by <see cref="Run"/>, with recording off: tensor ops
    /// used here leave no nodes of their own on the tape (the op is the node). Return a new tensor,
    /// never one of the inputs.</summary>
    protected abstract Tensor Forward();

    /// <summary>Given dL/d(output), returns dL/d(input) for each input (null where an input needs none).
    /// A returned gradient may have the broadcast (output) shape: the engine sums it down to the
    /// input's shape. Written with tensor ops, so that with createGraph it is itself differentiable.</summary>
    public abstract Tensor?[] Backward(Tensor dOut);

    /// <summary>Runs the forward and records this op on the output when any input requires grad (and
    /// recording is on: not inside <see cref="GradMode.NoGrad"/>). The entry point for every op, the
    /// built-in ones and yours: construct the op with its inputs, then call Run once.</summary>
    /// <exception cref="ArgumentException">The inputs live on different backends or have different dtypes.</exception>
    /// <exception cref="InvalidOperationException">Forward returned one of the op's inputs.</exception>
    public Tensor Run()
    {
        CheckSameBackendAndDType();
        var observers = AutogradObservers.Current;
        long start = observers != null ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        bool record = GradMode.IsEnabled && _inputs.Any(t => t.RequiresGrad);
        Tensor output;
        using (GradMode.NoGrad()) output = Forward();
        if (_inputs.Any(t => ReferenceEquals(t, output)))
            throw new InvalidOperationException($"{Name}: Forward returned one of its inputs; return a new tensor (a copy or a view)");
        if (record)
        {
            output.GradFn = this;
            output.RequiresGrad = true;
        }
        if (observers != null) AutogradObservers.Forward(observers, this, output, start);
        return output;
    }

    private void CheckSameBackendAndDType()
    {
        for (int i = 1; i < _inputs.Length; i++)
        {
            if (_inputs[i].Backend != _inputs[0].Backend)
                throw new ArgumentException($"{Name}: inputs live on different backends: {_inputs[0].Describe()} and {_inputs[i].Describe()}");
            if (_inputs[i].DType != _inputs[0].DType)
                throw new ArgumentException($"{Name}: inputs have different dtypes: {_inputs[0].Describe()} and {_inputs[i].Describe()}");
        }
    }

    /// <summary>A zero-filled contiguous output on the inputs' backend and dtype.</summary>
    protected Tensor NewOutput(int[] shape) => _inputs[0].NewEmpty(shape);

    /// <summary>An output the op's kernel writes in full (every element, with no accumulation into it),
    /// so its buffer is not zero-filled first.</summary>
    protected internal Tensor NewOverwrittenOutput(int[] shape) => _inputs[0].NewUninitialized(shape);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
