using Scratchgen.Backends;
using Scratchgen.Tensors;

namespace Scratchgen.Autograd;

/// <summary>
/// A node of the tape: one differentiable operation with its inputs, its forward computation and the
/// rule for its backward. Every op file in Ops/ holds one subclass with the math written beside it.
/// </summary>
public abstract class Op
{
    private readonly Tensor[] _inputs;

    protected Op(params Tensor[] inputs) => _inputs = inputs;

    public IReadOnlyList<Tensor> Inputs => _inputs;

    /// <summary>The op's name as users write it (for traces, graphs and error messages).</summary>
    public abstract string Name { get; }

    /// <summary>The local derivative rule, in words, for the backward trace.</summary>
    public virtual string Rule => "";

    /// <summary>The backend every input lives on (ops check that they agree).</summary>
    protected IBackend Backend => _inputs[0].Backend;

    /// <summary>Computes the output. Called once, by <see cref="Run"/>.</summary>
    protected abstract Tensor Forward();

    /// <summary>Given dL/d(output), returns dL/d(input) for each input (null where an input needs none).
    /// A returned gradient may have the broadcast (output) shape: the engine sums it down to the
    /// input's shape. Written with tensor ops, so that with createGraph it is itself differentiable.</summary>
    public abstract Tensor?[] Backward(Tensor dOut);

    /// <summary>Runs the forward and records this op on the output when any input requires grad.</summary>
    internal Tensor Run()
    {
        CheckSameBackendAndDType();
        var observers = AutogradObservers.Current;
        long start = observers != null ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        var output = Forward();
        if (GradMode.IsEnabled && _inputs.Any(t => t.RequiresGrad))
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

    public override string ToString() => Name;
}
