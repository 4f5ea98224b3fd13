using Scratchgen.Nn;

namespace Scratchgen.Training;

/// <summary>
/// Freezes parts of a model for fine-tuning, as PyTorch's requires_grad_(False) does: a frozen
/// parameter no longer requires grad, so backward computes no gradient for it, its Grad stays null and
/// every optimizer leaves it alone (Optimizer.Step skips parameters without a gradient). Gradients
/// still flow through a frozen layer to the layers before it. Batch norm running statistics (buffers,
/// not parameters) keep updating in training mode, as in PyTorch.
/// </summary>
public static class Freezing
{
    /// <summary>Freezes every parameter whose dotted name is one of <paramref name="names"/> or lies
    /// under one of them as a module ("discriminator.0" freezes discriminator.0.weight and .bias).
    /// Returns the frozen parameter names. A name that matches nothing is refused, listing the modules there are.</summary>
    public static IReadOnlyList<string> Freeze(Module model, IEnumerable<string> names)
    {
        var parameters = model.NamedParameters();
        var frozen = new List<string>();
        foreach (string raw in names)
        {
            string name = raw.Trim();
            if (name.Length == 0) continue;
            var hits = parameters.Where(p => p.Name == name || p.Name.StartsWith(name + ".", StringComparison.Ordinal)).ToList();
            if (hits.Count == 0)
                throw new ArgumentException($"--freeze '{name}': no parameter or module of that name; modules with parameters: {string.Join(", ", ModuleNames(parameters))}");
            foreach (var (pName, tensor) in hits)
            {
                tensor.RequiresGrad = false;
                tensor.ZeroGrad();
                if (!frozen.Contains(pName)) frozen.Add(pName);
            }
        }
        return frozen;
    }

    // "generator.0.weight" -> "generator.0": the names --freeze accepts besides whole parameter names.
    private static IEnumerable<string> ModuleNames(IReadOnlyList<(string Name, Tensors.Tensor Tensor)> parameters) =>
        parameters.Select(p => p.Name[..Math.Max(0, p.Name.LastIndexOf('.'))]).Where(n => n.Length > 0).Distinct();
}
