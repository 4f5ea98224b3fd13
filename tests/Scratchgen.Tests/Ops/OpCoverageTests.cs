using System.Reflection;
using System.Text.RegularExpressions;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;

namespace Scratchgen.Tests.Ops;

public sealed class OpCoverageTests
{
    /// <summary>Every public op entry point (extension methods of the op families, and the losses) has a
    /// case in the catalog whose name starts with the op's snake_case name, so a new op cannot skip its
    /// gradient check and backend comparison.</summary>
    [Fact]
    public void EveryPublicOp_HasACatalogCase()
    {
        var families = new[] { typeof(TensorElementwise), typeof(TensorActivations), typeof(TensorReductions), typeof(TensorShape), typeof(TensorLinalg), typeof(TensorConv), typeof(Loss) };
        var names = families
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Select(m => Regex.Replace(m.Name, "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant())
            .Select(n => n == "mat_mul" ? "matmul" : n)
            .Distinct()
            .ToList();
        Assert.True(names.Count > 40, $"found only {names.Count} ops: the reflection is not seeing the op families");
        var missing = names.Where(n => !OpCatalog.All.Any(c => c.Name == n || c.Name.StartsWith(n + "_"))).ToList();
        Assert.True(missing.Count == 0, "ops without a catalog case: " + string.Join(", ", missing));
    }
}
