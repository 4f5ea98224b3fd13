using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Kernels;

/// <summary>The Cpu zip cuts long rows into per-core segments (CpuBackend.Elementwise.cs); every element
/// must still get the plain formula, at segment and vector boundaries of awkward lengths, with
/// broadcast and strided operands.</summary>
public class CpuZipSegmentsTests
{
    [Theory]
    [InlineData(1, 8_193)]
    [InlineData(1, 100_352)]
    [InlineData(2, 16_385)]
    [InlineData(3, 10_007)]
    public void LongRows_MatchTheScalarFormula(int rows, int length)
    {
        var rng = new Rng((ulong)(rows * 31 + length));
        var a = Tensor.RandN([rows, length], rng, std: 4);
        var b = Tensor.Rand([rows, length], rng);
        var bias = Tensor.RandN([1, length], rng);
        var y = Tensor.Zeros([rows, length]);
        var sum = Tensor.Zeros([rows, length]);
        Backend.Cpu.Zip(a, b, y, default(BceWithLogitsFn));
        Backend.Cpu.Zip(a, bias.BroadcastView([rows, length]), sum, default(AddFn));
        float[] av = a.ToArray(), bv = b.ToArray(), biasv = bias.ToArray(), yv = y.ToArray(), sv = sum.ToArray();
        var fn = default(BceWithLogitsFn);
        for (int i = 0; i < av.Length; i++)
        {
            double want = fn.Apply<HostReal<double>>(av[i], bv[i]).Value;
            Assert.True(Math.Abs(yv[i] - want) <= 1e-6 * Math.Max(1, Math.Abs(want)), $"bce element {i}: {yv[i]} vs {want}");
            Assert.Equal(av[i] + biasv[i % length], sv[i]);
        }
    }

    [Fact]
    public void ATransposedOperand_StillMatches()
    {
        var rng = new Rng(5);
        var a = Tensor.RandN([300, 97], rng);
        var b = Tensor.RandN([97, 300], rng).Transpose(0, 1);
        var y = Tensor.Zeros([300, 97]);
        Backend.Cpu.Zip(a, b, y, default(MulFn));
        float[] av = a.ToArray(), bv = b.Contiguous().ToArray(), yv = y.ToArray();
        for (int i = 0; i < av.Length; i++) Assert.Equal(av[i] * bv[i], yv[i]);
    }
}
