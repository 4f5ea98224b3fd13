using Scratchgen.Backends.Cpu;
using Scratchgen.Backends.Reference;

namespace Scratchgen.Backends;

/// <summary>The backends that ship with Scratchgen, and the default one new tensors use.</summary>
public static class Backend
{
    public static IBackend Reference => ReferenceBackend.Instance;

    public static IBackend Cpu => CpuBackend.Instance;

    /// <summary>Where factories put tensors when no backend is named. The one piece of mutable static
    /// state in the engine, by design: tests and the CLI set it explicitly.</summary>
    public static IBackend Default { get; set; } = CpuBackend.Instance;

    /// <summary>A backend by its command-line name.</summary>
    public static IBackend FromName(string name) => name.ToLowerInvariant() switch
    {
        "reference" => Reference,
        "cpu" or "auto" => Cpu,
        _ => throw new ArgumentException($"unknown backend '{name}': expected cpu, reference or auto"),
    };
}
