namespace Scratchgen.Data;

/// <summary>The contents of one IDX file of unsigned bytes: its dimensions (outermost first) and the
/// elements in row-major order.</summary>
public sealed record IdxArray(int[] Dims, byte[] Data)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Dims.Length;
}
