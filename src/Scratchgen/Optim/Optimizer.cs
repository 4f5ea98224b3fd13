using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Optim;

/// <summary>
/// Base of the optimizers: a list of parameters, a learning rate (optionally scheduled), a step
/// counter, and named state tensors (moments) that checkpoints save and restore for exact resume.
/// Updates run under NoGrad and write in place, so parameters keep their identity.
/// </summary>
public abstract class Optimizer
{
    /// <summary>Checks the learning rate is positive and keeps the parameters the optimizer updates.</summary>
    protected Optimizer(IReadOnlyList<Tensor> parameters, double learningRate)
    {
        if (learningRate <= 0 || double.IsNaN(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "the learning rate must be positive");
        Parameters = parameters;
        BaseLearningRate = learningRate;
    }

    /// <summary>The tensors this optimizer updates, in place.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate given at construction, before any schedule.</summary>
    public double BaseLearningRate { get; }

    /// <summary>Optional schedule; the rate at step t is Schedule.Rate(t, BaseLearningRate). A model may set it
    /// once it knows how long its run is (<see cref="Models.GenerativeModel.PlanSteps"/>).</summary>
    public ILrSchedule? Schedule { get; set; }

    /// <summary>Number of Step calls so far.</summary>
    public int StepCount { get; set; }

    /// <summary>The rate the next Step uses: the schedule's at <see cref="StepCount"/>, else the base rate.</summary>
    public double CurrentLearningRate => Schedule?.Rate(StepCount, BaseLearningRate) ?? BaseLearningRate;

    /// <summary>Steps skipped because a gradient held NaN or infinity.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>Why the last step was skipped (names the parameter), or null.</summary>
    public string? LastSkipReason { get; private set; }

    /// <summary>Applies one update from each parameter's Grad (parameters without a gradient are left
    /// alone). If any gradient holds a NaN or infinity, nothing is updated, the step is counted in
    /// <see cref="SkippedSteps"/> with the parameter's name in <see cref="LastSkipReason"/>, and false is returned.
    /// Observers attached to this thread (<see cref="AutogradObservers"/>) see the whole update as one optimizer step.</summary>
    public bool Step()
    {
        var observers = AutogradObservers.Current;
        if (observers == null) return ApplyStep();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        bool stepped = ApplyStep();
        AutogradObservers.OptimizerStep(observers, this, start);
        return stepped;
    }

    private bool ApplyStep()
    {
        using var _ = GradMode.NoGrad();
        // One finiteness check for all gradients (a single read-back); only when it fails is each
        // parameter checked, to name the culprit.
        if (!double.IsFinite(TensorChecks.SumOfSquares(Parameters.Where(p => p.Grad != null).Select(p => p.Grad!))))
        {
            var culprit = Parameters.FirstOrDefault(p => p.Grad != null && !double.IsFinite(p.Grad.SumOfSquares()));
            SkippedSteps++;
            LastSkipReason = culprit != null
                ? $"the gradient of {culprit.Describe()} holds NaN or infinity"
                : "the sum of squared gradients overflowed float32 (each gradient is finite on its own)";
            return false;
        }
        LastSkipReason = null;
        double lr = CurrentLearningRate;
        StepCount++;
        UpdateAll([.. Enumerable.Range(0, Parameters.Count).Where(i => Parameters[i].Grad != null)], lr);
        return true;
    }

    /// <summary>The update of every parameter that has a gradient (their indices). Default: <see cref="Update"/>
    /// for each; an optimizer whose backend can update many parameters at once (Adam) hands it the list.</summary>
    protected virtual void UpdateAll(IReadOnlyList<int> indices, double lr)
    {
        foreach (int i in indices) Update(i, Parameters[i], Parameters[i].Grad!, lr);
    }

    /// <summary>Clears the gradient of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>One parameter's update; p and its state are changed in place.</summary>
    protected abstract void Update(int index, Tensor p, Tensor grad, double lr);

    /// <summary>Named state tensors (e.g. "m.3"), for checkpoints.</summary>
    public abstract IEnumerable<(string Name, Tensor Tensor)> State();

    /// <summary>x = f(x, y) in place, y broadcast to x's shape.</summary>
    protected static void InPlace<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IBinaryFn =>
        x.Backend.Zip(x, y.BroadcastView(x.Dims), x, fn);

    /// <summary>A new tensor f(x, y).</summary>
    protected static Tensor Combine<TFn>(Tensor x, Tensor y, TFn fn) where TFn : struct, IBinaryFn
    {
        var result = Tensor.Zeros(x.Dims, x.DType, x.Backend);
        x.Backend.Zip(x, y, result, fn);
        return result;
    }

    /// <summary>A zero tensor with <paramref name="p"/>'s shape, dtype and backend, for optimizer state.</summary>
    protected static Tensor ZerosLike(Tensor p) => Tensor.Zeros(p.Dims, p.DType, p.Backend);
}
