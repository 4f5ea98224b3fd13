namespace Scratchgen.Tensors;

/// <summary>Element type of a tensor. Float32 runs everywhere; Float64 only on the Reference backend
/// (it exists so that finite-difference gradient checks are meaningful).</summary>
public enum DType
{
    /// <summary>32-bit IEEE float: what training uses.</summary>
    Float32,
    /// <summary>64-bit IEEE float: for gradient checks and references.</summary>
    Float64,
}

internal static class DTypeExtensions
{
    public static int Size(this DType dtype) => dtype == DType.Float32 ? 4 : 8;

    public static string Name(this DType dtype) => dtype == DType.Float32 ? "float32" : "float64";
}
