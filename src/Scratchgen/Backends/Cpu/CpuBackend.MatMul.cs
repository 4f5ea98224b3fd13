using Scratchgen.Backends.Cpu.Gemm;
using Scratchgen.Tensors;

namespace Scratchgen.Backends.Cpu;

// c[q] (+)= a[q] @ b[q] for each batch index q, through the packed AVX2/FMA GEMM (Gemm/CpuGemm.cs).
// Views are passed as (pointer, leading dimension, transposed?) so transposed operands are never copied;
// only a view with neither of its last two strides equal to 1 is packed into a contiguous copy first.
internal sealed partial class CpuBackend
{
    public unsafe void MatMul(Tensor a, Tensor b, Tensor c, bool accumulate)
    {
        int batch = c.Dims[0], m = c.Dims[1], n = c.Dims[2], k = a.Dims[2];
        var (aData, aOffset, aBatch, lda, transA) = Operand(a);
        var (bData, bOffset, bBatch, ldb, transB) = Operand(b);
        if (c.StrideArray[2] != 1 && n > 1) throw new InvalidOperationException($"matmul: output {c.Describe()} must have unit column stride");
        float[] cData = Data(c);
        fixed (float* pa = aData, pb = bData, pc = cData)
        {
            for (int q = 0; q < batch; q++)
            {
                CpuGemm.Sgemm(m, n, k,
                    pa + aOffset + (long)q * aBatch, lda, transA,
                    pb + bOffset + (long)q * bBatch, ldb, transB,
                    pc + c.Offset + (long)q * c.StrideArray[0], c.StrideArray[1], accumulate);
            }
        }
    }

    // A (batch, rows, cols) view as the GEMM wants it: row-major (stride of cols is 1) or transposed
    // (stride of rows is 1). Anything else is copied to row-major first.
    private (float[] Data, int Offset, int BatchStride, int Ld, bool Trans) Operand(Tensor t)
    {
        int rows = t.Dims[1], cols = t.Dims[2];
        int s0 = t.StrideArray[0], s1 = t.StrideArray[1], s2 = t.StrideArray[2];
        if (s2 == 1 || cols == 1) return (Data(t), t.Offset, s0, rows == 1 ? Math.Max(cols, 1) : s1, false);
        if (s1 == 1 || rows == 1) return (Data(t), t.Offset, s0, s2, true);
        var (flat, _) = Contiguous(t);
        return (flat, 0, rows * cols, cols, false);
    }
}
