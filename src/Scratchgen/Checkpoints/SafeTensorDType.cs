namespace Scratchgen.Checkpoints;

/// <summary>The safetensors element types Scratchgen reads and writes (a subset of the format's list).
/// The numeric values follow the reference implementation's Dtype order (increasing alignment),
/// which its writer uses to lay tensors out: larger alignment first, then by name.</summary>
public enum SafeTensorDType
{
    /// <summary>Unsigned 8-bit integer ("U8").</summary>
    U8 = 1,
    /// <summary>Signed 32-bit integer ("I32").</summary>
    I32 = 9,
    /// <summary>IEEE 754 single precision ("F32").</summary>
    F32 = 11,
    /// <summary>IEEE 754 double precision ("F64").</summary>
    F64 = 12,
    /// <summary>Signed 64-bit integer ("I64").</summary>
    I64 = 13,
}

internal static class SafeTensorDTypes
{
    public static int Size(this SafeTensorDType d) => d switch
    {
        SafeTensorDType.U8 => 1,
        SafeTensorDType.I32 or SafeTensorDType.F32 => 4,
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown safetensors dtype"),
    };

    /// <summary>The header spelling ("F32", ...).</summary>
    public static string Name(this SafeTensorDType d) => d.ToString();

    public const string Supported = "F32, F64, I64, I32, U8";

    public static bool TryParse(string name, out SafeTensorDType dtype)
    {
        dtype = name switch
        {
            "U8" => SafeTensorDType.U8,
            "I32" => SafeTensorDType.I32,
            "F32" => SafeTensorDType.F32,
            "F64" => SafeTensorDType.F64,
            "I64" => SafeTensorDType.I64,
            _ => 0,
        };
        return dtype != 0;
    }
}
