using Scratchgen.Diagnostics;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Support;

/// <summary>Theory data drawn from <see cref="OpCatalog"/>: (case name, shape set index).</summary>
public static class OpCases
{
    internal static OpCase Get(string name) => OpCatalog.All.Single(c => c.Name == name);

    private static int Elements(int[][] shapes) => shapes.Sum(s => Shapes.Numel(s));

    /// <summary>Every shape set small enough for finite differences.</summary>
    public static TheoryData<string, int> GradCheckSets()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in OpCatalog.All)
            for (int s = 0; s < c.Shapes.Length; s++)
                if (Elements(c.Shapes[s]) <= OpCatalog.GradCheckMaxElements) data.Add(c.Name, s);
        return data;
    }

    /// <summary>Second-order checks: the first two small shape sets of each case that asks for them.</summary>
    public static TheoryData<string, int> SecondOrderSets()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in OpCatalog.All.Where(c => c.SecondOrder))
        {
            int taken = 0;
            for (int s = 0; s < c.Shapes.Length && taken < 2; s++)
                if (Elements(c.Shapes[s]) <= OpCatalog.GradCheckMaxElements / 2) { data.Add(c.Name, s); taken++; }
        }
        return data;
    }

    /// <summary>Every shape set, for backend comparisons.</summary>
    public static TheoryData<string, int> AllSets()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in OpCatalog.All)
            for (int s = 0; s < c.Shapes.Length; s++) data.Add(c.Name, s);
        return data;
    }
}
