using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Nn;

/// <summary>
/// A piece of a network: named parameters (trained), named buffers (state that is saved but not
/// trained, such as batch norm's running mean), and named child modules. Names join with dots
/// ("encoder.0.weight"), as in PyTorch, so a state dict maps one to one onto a safetensors file.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a trainable tensor (sets RequiresGrad and its Name).</summary>
    protected Tensor Parameter(string name, Tensor value)
    {
        value.RequiresGrad = true;
        value.Name = name;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>Registers saved, untrained state.</summary>
    protected Tensor Buffer(string name, Tensor value)
    {
        value.Name = name;
        _buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers <paramref name="module"/> as a child under <paramref name="name"/> (its parameters are then named name.param) and returns it.</summary>
    protected T Child<T>(string name, T module) where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    /// <summary>Every parameter of this module and its descendants, with dotted names.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedParameters() => Collect(m => m._parameters);

    /// <summary>Every parameter of this module and its descendants, in registration order.</summary>
    public IReadOnlyList<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor).ToList();

    /// <summary>Every buffer (state that is saved but not trained, such as running statistics), with dotted names.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> NamedBuffers() => Collect(m => m._buffers);

    /// <summary>The direct children, with their names.</summary>
    public IReadOnlyList<(string Name, Module Module)> Children => _children;

    /// <summary>Parameters and buffers by dotted name: what a checkpoint holds.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> StateDict() => [.. NamedParameters(), .. NamedBuffers()];

    /// <summary>Copies values into this module's parameters and buffers. Every name must be present
    /// with the same shape; a mismatch names the tensor and both shapes (another architecture).</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, (float[] Data, int[] Shape)> state, string source)
    {
        foreach (var (name, tensor) in StateDict())
        {
            if (!state.TryGetValue(name, out var saved))
                throw new InvalidDataException($"{source}: tensor '{name}' is missing (expected shape {Shapes.Format(tensor.Shape)})");
            if (!Shapes.Equal(saved.Shape, tensor.Shape))
                throw new InvalidDataException($"{source}: tensor '{name}' has shape {Shapes.Format(saved.Shape)} but this model expects {Shapes.Format(tensor.Shape)}");
            tensor.Backend.Copy(Tensor.FromArray(saved.Data, saved.Shape, tensor.Backend), tensor);
        }
        var known = StateDict().Select(p => p.Name).ToHashSet();
        var extra = state.Keys.Where(k => !known.Contains(k)).ToList();
        if (extra.Count > 0)
            throw new InvalidDataException($"{source}: tensors this model does not have: {string.Join(", ", extra.Take(5))}");
    }

    /// <summary>Training mode for this module and all its children.</summary>
    public void Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in _children) child.Train(training);
    }

    /// <summary>Switches this module and its descendants to evaluation mode (dropout off, batch norm on running statistics).</summary>
    public void Eval() => Train(false);

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Stops this module's parameters from requiring grad until the returned scope is disposed
    /// (PyTorch's requires_grad_(False) for a while): gradients still flow through the module to its
    /// inputs, but backward computes none for its own parameters. Parameters that were already frozen
    /// (fine-tuning's --freeze) stay frozen afterwards. A GAN's generator update uses it on the
    /// discriminator, whose weight gradients it would otherwise compute and throw away.</summary>
    public IDisposable ParametersFrozen()
    {
        var unfrozen = Parameters().Where(p => p.RequiresGrad).ToList();
        foreach (var p in unfrozen) p.RequiresGrad = false;
        return new Unfreeze(unfrozen);
    }

    private sealed class Unfreeze(List<Tensor> parameters) : IDisposable
    {
        public void Dispose()
        {
            foreach (var p in parameters) p.RequiresGrad = true;
            parameters.Clear();
        }
    }

    /// <summary>The total number of parameter elements.</summary>
    public int ParameterCount => Parameters().Sum(p => p.Numel);

    private List<(string, Tensor)> Collect(Func<Module, List<(string, Tensor)>> select)
    {
        var result = new List<(string, Tensor)>();
        foreach (var (name, t) in select(this)) result.Add((name, t));
        foreach (var (childName, child) in _children)
            foreach (var (name, t) in child.Collect(select)) result.Add(($"{childName}.{name}", t));
        return result;
    }
}

/// <summary>A module that maps one tensor to one tensor (layers, activations, Sequential).</summary>
public abstract class Layer : Module
{
    /// <summary>Maps the input to the output, recording the ops for backward when grad mode is on.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Whether a sample's output can depend on the other samples of its batch (batch statistics:
    /// BatchNorm while training). When no layer of a network does, two batches can run through it as one
    /// and give the same outputs (GanBase runs D over real and fake images in one pass). Unknown layers are
    /// assumed to; the per-sample layers say they do not, and a Sequential does when any of its layers does.</summary>
    public virtual bool MixesSamples => true;
}
