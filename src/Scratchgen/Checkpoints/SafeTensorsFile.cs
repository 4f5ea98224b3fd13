namespace Scratchgen.Checkpoints;

/// <summary>What <see cref="SafeTensors.Read(string)"/> returns: the named entries (in file order)
/// and the string metadata of the "__metadata__" header entry.</summary>
public sealed class SafeTensorsFile(string path, IReadOnlyDictionary<string, TensorEntry> tensors, IReadOnlyDictionary<string, string> metadata)
{
    /// <summary>The file the tensors were read from.</summary>
    public string Path { get; } = path;

    /// <summary>Every tensor in the file, by name.</summary>
    public IReadOnlyDictionary<string, TensorEntry> Tensors { get; } = tensors;

    /// <summary>The header's "__metadata__" strings (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = metadata;

    /// <summary>The entry called <paramref name="name"/>; a missing one is a CheckpointFormatException naming it.</summary>
    public TensorEntry this[string name] => Tensors.TryGetValue(name, out var e) ? e
        : throw new CheckpointFormatException(Path, name, $"not in the file (it holds {Tensors.Count} tensors)");

    /// <summary>The entry called <paramref name="name"/>, checked to hold <paramref name="dtype"/> with
    /// <paramref name="shape"/>: loading into another architecture names the tensor and both shapes.</summary>
    public TensorEntry Expect(string name, SafeTensorDType dtype, ReadOnlySpan<int> shape)
    {
        var e = this[name];
        if (e.DType != dtype || !e.Shape.AsSpan().SequenceEqual(shape))
            throw new CheckpointFormatException(Path, name,
                $"expected {dtype} [{string.Join(", ", shape.ToArray())}], the file holds {e.DType} [{string.Join(", ", e.Shape)}]");
        return e;
    }
}
