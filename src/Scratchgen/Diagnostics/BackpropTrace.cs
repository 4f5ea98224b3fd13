using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Diagnostics;

/// <summary>One op's forward as the trace saw it: its inputs and output, labelled.</summary>
/// <param name="Op">The op's name.</param>
/// <param name="Inputs">The labels of its inputs.</param>
/// <param name="Output">The label of its output.</param>
public sealed record ForwardEntry(string Op, IReadOnlyList<string> Inputs, string Output);

/// <summary>One input of a backward step: its label and shape, the L2 norm of the gradient it received
/// from this op (null: it needs none), and whether that was added to a gradient already there (the
/// tensor is used more than once).</summary>
/// <param name="Tensor">The input's label and shape.</param>
/// <param name="GradNorm">The L2 norm of the gradient it received; null when it needs none.</param>
/// <param name="Accumulated">True when that gradient was added to one already there.</param>
public sealed record BackwardInput(string Tensor, double? GradNorm, bool Accumulated);

/// <summary>One op's backward: the op, its local derivative rule, dL/d(output) and what each input got.</summary>
/// <param name="Op">The op's name.</param>
/// <param name="Rule">Its local derivative rule, as <see cref="Scratchgen.Autograd.Op.Rule"/> states it.</param>
/// <param name="Output">The label of the op's output.</param>
/// <param name="GradOutputNorm">The L2 norm of dL/d(output).</param>
/// <param name="Inputs">What each input received.</param>
public sealed record BackwardEntry(string Op, string Rule, string Output, double GradOutputNorm, IReadOnlyList<BackwardInput> Inputs);

/// <summary>The ops recorded on the tape since the last backward pass, then that pass (null when the
/// trace ended before one).</summary>
/// <param name="Forward">The ops recorded, in order.</param>
/// <param name="Root">The label of the tensor backward started from; null when none ran.</param>
/// <param name="Backward">The backward steps, in the order the engine ran them.</param>
public sealed record TraceSegment(IReadOnlyList<ForwardEntry> Forward, string? Root, IReadOnlyList<BackwardEntry> Backward);

/// <summary>
/// Records what the engine does while attached (<see cref="Start"/>): every op that goes on the tape,
/// in forward order, and each backward pass step by step (op, shapes, the op's local derivative rule,
/// gradient norms, and where a gradient is accumulated because a tensor is used twice). It is an
/// <see cref="IAutogradObserver"/>: it reads the engine's own walk, it does not repeat it.
/// Ops run by backward rules are the backward's implementation and are not listed as forwards;
/// a backward pass started inside another (WGAN-GP's gradient penalty) is folded into the outer one.
/// Gradient norms read each gradient back, so tracing is for small models.
/// </summary>
public sealed class BackpropTrace : IAutogradObserver, IDisposable
{
    private readonly List<TraceSegment> _segments = [];
    private readonly List<Tensor> _roots = [];
    private readonly Dictionary<Op, string> _outputs = new(ReferenceEqualityComparer.Instance);
    private List<ForwardEntry> _forward = [];
    private List<BackwardEntry>? _backward;
    private string? _root;
    private int _depth;
    private AutogradObservers.Scope _scope;

    private BackpropTrace(TensorLabels labels) => Labels = labels;

    /// <summary>Starts tracing on this thread until disposed.</summary>
    public static BackpropTrace Start(TensorLabels? labels = null)
    {
        var trace = new BackpropTrace(labels ?? new TensorLabels());
        trace._scope = AutogradObservers.Attach(trace);
        return trace;
    }

    /// <summary>The names the trace gives tensors (parameters by their module path, others by the op that made them).</summary>
    public TensorLabels Labels { get; }

    /// <summary>Forward ops then backward pass, in the order they happened; a last segment holds
    /// forwards not followed by a backward pass.</summary>
    public IReadOnlyList<TraceSegment> Segments =>
        _forward.Count == 0 ? _segments : [.. _segments, new TraceSegment(_forward, null, [])];

    /// <summary>The root (loss) of every outermost backward pass, for graph views.</summary>
    public IReadOnlyList<Tensor> Roots => _roots;

    /// <inheritdoc/>
    public void OnForward(Op op, Tensor output, TimeSpan elapsed)
    {
        if (output.GradFn != op) return; // not on the tape (no grad needed, or under NoGrad)
        _outputs[op] = Labels.WithShape(output);
        if (_depth > 0) return; // a backward rule's own op (createGraph): part of the backward, not the forward
        _forward.Add(new ForwardEntry(op.Name, op.Inputs.Select(Labels.WithShape).ToList(), _outputs[op]));
    }

    /// <inheritdoc/>
    public void OnBackwardBegin(Tensor root)
    {
        if (_depth++ > 0) return;
        _roots.Add(root);
        _root = Labels.WithShape(root);
        _backward = [];
    }

    /// <inheritdoc/>
    public void OnBackwardStep(BackwardStep step, TimeSpan elapsed)
    {
        if (_backward == null) return;
        var inputs = new List<BackwardInput>();
        for (int i = 0; i < step.Op.Inputs.Count; i++)
        {
            var g = step.GradInputs[i];
            inputs.Add(new BackwardInput(Labels.WithShape(step.Op.Inputs[i]), g == null ? null : Norm(g), step.Accumulated[i]));
        }
        _backward.Add(new BackwardEntry(step.Op.Name, step.Op.Rule, OutputLabel(step), Norm(step.GradOutput), inputs));
    }

    /// <inheritdoc/>
    public void OnBackwardEnd(Tensor root)
    {
        if (--_depth > 0) return;
        _segments.Add(new TraceSegment(_forward, _root, _backward ?? []));
        _forward = [];
        _backward = null;
    }

    // The step does not carry the op's output; its label was given when the forward was seen (an op
    // recorded before tracing started is named by its op and the shape of dL/d(output)).
    private string OutputLabel(BackwardStep step) =>
        _outputs.TryGetValue(step.Op, out var label) ? label : $"({step.Op.Name} output) {Shapes.Format(step.GradOutput.Shape)}";

    /// <summary>sqrt(sum g^2), in double.</summary>
    public static double Norm(Tensor g)
    {
        double sum = 0;
        foreach (var v in g.ToDoubleArray()) sum += v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>Stops recording.</summary>
    public void Dispose() => _scope.Dispose();
}
