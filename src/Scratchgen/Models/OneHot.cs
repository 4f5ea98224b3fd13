using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Models;

/// <summary>One-hot codes: labels (N) -> (N, classes) with a 1 at each label.</summary>
public static class OneHot
{
    /// <summary>A (N, <paramref name="classes"/>) float tensor on <paramref name="backend"/>: row i is 1 in column labels[i] and 0 elsewhere.</summary>
    public static Tensor Encode(int[] labels, int classes, IBackend backend)
    {
        var data = new float[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label {labels[i]} is outside [0, {classes})");
            data[i * classes + labels[i]] = 1;
        }
        return Tensor.FromArray(data, [labels.Length, classes], backend);
    }

    /// <summary>(N, F) -> (N, F + classes): the features with each row's label code appended, as the
    /// conditional models feed their networks. <paramref name="model"/> names the caller in the error.</summary>
    public static Tensor Append(Tensor features, int[]? labels, int classes, string model)
    {
        if (labels == null) throw new ArgumentException($"{model}: labels are required (the model is conditioned on them)");
        return TensorShape.Concat([features, Encode(labels, classes, features.Backend)], 1);
    }
}
