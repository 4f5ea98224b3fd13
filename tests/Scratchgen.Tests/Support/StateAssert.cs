using Scratchgen.Tensors;

namespace Scratchgen.Tests.Support;

/// <summary>Two state lists (Module.StateDict) compared bit for bit. The lists must first name the same
/// tensors in the same order and not be empty: comparing element by element over one list's length passes
/// when the other is longer, or when both are empty.</summary>
public static class StateAssert
{
    public static void BitIdentical(IReadOnlyList<(string Name, Tensor Tensor)> expected, IReadOnlyList<(string Name, Tensor Tensor)> actual, string what)
    {
        Assert.True(expected.Count > 0, $"{what}: the state list is empty, so there is nothing to compare");
        Assert.Equal(expected.Select(e => e.Name), actual.Select(a => a.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            float[] e = expected[i].Tensor.ToArray(), a = actual[i].Tensor.ToArray();
            Assert.True(e.AsSpan().SequenceEqual(a), $"{what}: {expected[i].Name} differs ({e.Length} and {a.Length} values)");
        }
    }
}
