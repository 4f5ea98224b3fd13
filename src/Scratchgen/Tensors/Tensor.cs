using Scratchgen.Autograd;
using Scratchgen.Backends;

namespace Scratchgen.Tensors;

/// <summary>
/// An n-dimensional array: a view (shape, strides, offset) into a <see cref="Storage"/> that one
/// backend owns, plus what autograd needs (RequiresGrad, Grad and the op that made it).
/// Ops are extension methods in Ops/ (one file per family); this class only holds the data.
/// </summary>
public sealed partial class Tensor
{
    internal readonly int[] Dims;
    internal readonly int[] StrideArray;

    internal Tensor(Storage storage, int[] dims, int[] strides, int offset)
    {
        if (dims.Length != strides.Length) throw new ArgumentException("shape and strides must have the same rank");
        Storage = storage;
        Dims = dims;
        StrideArray = strides;
        Offset = offset;
        Numel = Shapes.Numel(dims);
    }

    /// <summary>A new contiguous tensor over <paramref name="storage"/>.</summary>
    internal Tensor(Storage storage, int[] dims) : this(storage, dims, Shapes.ContiguousStrides(dims), 0) { }

    /// <summary>The buffer this tensor is a view of (shared by reshapes, slices and transposes of it).</summary>
    public Storage Storage { get; }

    /// <summary>The backend the elements live on.</summary>
    public IBackend Backend => Storage.Backend;

    /// <summary>The element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>The size of each axis, outermost first; empty for a scalar.</summary>
    public ReadOnlySpan<int> Shape => Dims;

    /// <summary>Elements to step in the storage per step along each axis (0 for a broadcast axis).</summary>
    public ReadOnlySpan<int> Strides => StrideArray;

    /// <summary>The index in the storage of the first element.</summary>
    public int Offset { get; }

    /// <summary>The number of axes.</summary>
    public int Rank => Dims.Length;

    /// <summary>The number of elements (the product of the shape; 1 for a scalar).</summary>
    public int Numel { get; }

    /// <summary>Size of one axis; negative axes count from the end.</summary>
    public int Size(int axis) => Dims[Shapes.NormalizeAxis("Size", axis, Rank)];

    /// <summary>A name used in error messages, traces and graphs (parameters get theirs from modules).</summary>
    public string? Name { get; set; }

    /// <summary>The op that produced this tensor, or null for a leaf (an input or a parameter).</summary>
    public Op? GradFn { get; internal set; }

    private bool _requiresGrad;

    /// <summary>Whether gradients flow to (and, for a leaf, accumulate in) this tensor.</summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (!value && GradFn != null)
                throw new InvalidOperationException($"{Describe()} was produced by {GradFn.Name}: use Detach() instead of clearing RequiresGrad");
            _requiresGrad = value;
        }
    }

    /// <summary>The accumulated gradient of the last Backward calls (same shape as this tensor), or null.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when no recorded op produced this tensor (inputs and parameters): Backward stores gradients in leaves.</summary>
    public bool IsLeaf => GradFn == null;

    /// <summary>True when the elements are laid out row-major with no gaps (dimensions of size 1 ignored).</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Dims[i] == 1) continue;
                if (StrideArray[i] != expected) return false;
                expected *= Dims[i];
            }
            return true;
        }
    }

    /// <summary>Sets RequiresGrad and returns this tensor, for fluent parameter creation.</summary>
    public Tensor RequireGrad(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    /// <summary>Clears the accumulated gradient.</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>The same data, cut off from the graph: no GradFn, no RequiresGrad.</summary>
    public Tensor Detach() => new(Storage, Dims, StrideArray, Offset) { Name = Name };

    /// <summary>Back-propagates from this scalar (or with an explicit output gradient), accumulating into
    /// the Grad of every leaf that requires it. createGraph records the backward pass itself, so the
    /// gradients can be differentiated again (gradients of gradients).</summary>
    public void Backward(Tensor? gradOutput = null, bool createGraph = false) =>
        BackwardPass.Run(this, gradOutput, createGraph);

    /// <summary>Copies the elements, row-major, into a new float array.</summary>
    public float[] ToArray()
    {
        var result = new float[Numel];
        if (DType == DType.Float32) Backend.Download(this, result);
        else
        {
            var d = ToDoubleArray();
            for (int i = 0; i < d.Length; i++) result[i] = (float)d[i];
        }
        return result;
    }

    /// <summary>Copies the elements, row-major, into a new double array.</summary>
    public double[] ToDoubleArray()
    {
        var result = new double[Numel];
        if (DType == DType.Float64) Backend.Download(this, result);
        else
        {
            var f = new float[Numel];
            Backend.Download(this, f);
            for (int i = 0; i < f.Length; i++) result[i] = f[i];
        }
        return result;
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double Item()
    {
        if (Numel != 1) throw new ShapeException("Item", $"expected a tensor with one element, got shape {Shapes.Format(Dims)}");
        return ToDoubleArray()[0];
    }

    /// <summary>Short description for messages: name, shape, dtype and backend.</summary>
    public string Describe() =>
        $"{(Name != null ? $"'{Name}' " : "")}tensor {Shapes.Format(Dims)} {DType.Name()} on {Backend.Name}";

    /// <inheritdoc/>
    public override string ToString()
    {
        const int Max = 12;
        var values = Numel <= Max ? ToArray() : ToArray()[..Max];
        string items = string.Join(", ", values.Select(v => v.ToString("G5", System.Globalization.CultureInfo.InvariantCulture)));
        return $"{Describe()} [{items}{(Numel > Max ? ", ..." : "")}]";
    }
}
