namespace Scratchgen.Data;

/// <summary>The contents of one IDX file of unsigned bytes: its dimensions (outermost first) and the
/// elements in row-major order.</summary>
/// <param name="Dims">The dimensions, outermost first.</param>
/// <param name="Data">The elements, row-major.</param>
public sealed record IdxArray(int[] Dims, byte[] Data)
{
    /// <summary>The number of dimensions.</summary>
    public int Rank => Dims.Length;
}
