namespace Scratchgen.Applications;

/// <summary>
/// Levels of b bits each written back to back into bytes, most significant bit first, the last byte
/// padded with zero bits: N levels take ceil(N b / 8) bytes. This is the stream a compressed code is
/// stored as, so the bytes a code costs are counted from it rather than from a formula.
/// </summary>
internal static class BitPacking
{
    /// <summary>The levels (each in [0, 2^bits)) as a bit stream.</summary>
    public static byte[] Pack(ReadOnlySpan<int> levels, int bits)
    {
        CheckBits(bits);
        var bytes = new byte[checked((int)(((long)levels.Length * bits + 7) / 8))];
        long at = 0;
        foreach (int level in levels)
        {
            if (level < 0 || level >= 1 << bits) throw new ArgumentOutOfRangeException(nameof(levels), level, $"a {bits}-bit level is from 0 to {(1 << bits) - 1}");
            for (int k = bits - 1; k >= 0; k--, at++)
                if ((level >> k & 1) != 0) bytes[at >> 3] |= (byte)(0x80 >> (int)(at & 7));
        }
        return bytes;
    }

    /// <summary>The first <paramref name="count"/> levels of a stream written by <see cref="Pack"/>.</summary>
    public static int[] Unpack(ReadOnlySpan<byte> bytes, int count, int bits)
    {
        CheckBits(bits);
        if (count < 0 || (long)count * bits > (long)bytes.Length * 8)
            throw new ArgumentException($"{count} levels of {bits} bits need {((long)count * bits + 7) / 8} bytes, the stream has {bytes.Length}");
        var levels = new int[count];
        long at = 0;
        for (int i = 0; i < count; i++)
        {
            int level = 0;
            for (int k = 0; k < bits; k++, at++) level = level << 1 | (bytes[(int)(at >> 3)] >> (7 - (int)(at & 7)) & 1);
            levels[i] = level;
        }
        return levels;
    }

    private static void CheckBits(int bits)
    {
        if (bits < 1 || bits > UniformQuantiser.MaxBits) throw new ArgumentOutOfRangeException(nameof(bits), bits, $"bits per level must be from 1 to {UniformQuantiser.MaxBits}");
    }
}
