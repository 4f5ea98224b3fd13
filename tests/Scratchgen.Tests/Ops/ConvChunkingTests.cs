using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Ops;

/// <summary>The conv ops walk a batch in chunks of images (ConvGemmLowering.ChunkImages on the Reference backend: here 288 x 1023 columns
/// per image, so one image per chunk). A batch of 3 must give what the 3 images give one at a time
/// (each a single chunk): outputs and input gradients per image, weight and bias gradients summed.</summary>
public sealed class ConvChunkingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChunkedBatch_MatchesImageByImage(bool transposed)
    {
        var rng = new Rng(17);
        var be = Backend.Reference;
        // conv2d: (3, 32, 33, 31) -> (3, 8, 33, 31); conv_transpose2d: (3, 8, 33, 31) -> (3, 32, 67, 63).
        var x = Tensor.RandN(transposed ? [3, 8, 33, 31] : [3, 32, 33, 31], rng, dtype: DType.Float64, backend: be);
        var w = Tensor.RandN(transposed ? [8, 32, 3, 3] : [8, 32, 3, 3], rng, dtype: DType.Float64, backend: be).RequireGrad();
        var b = Tensor.RandN([transposed ? 32 : 8], rng, dtype: DType.Float64, backend: be).RequireGrad();
        Tensor F(Tensor t) => transposed ? t.ConvTranspose2d(w, b, stride: 2, padding: 1, outputPadding: 1) : t.Conv2d(w, b, padding: 1);

        var xb = x.Detach().RequireGrad();
        var yb = F(xb);
        yb.Square().Sum().Backward();
        double[] dwBatch = w.Grad!.ToDoubleArray(), dbBatch = b.Grad!.ToDoubleArray();
        w.ZeroGrad();
        b.ZeroGrad();

        for (int n = 0; n < 3; n++)
        {
            var xn = x.Slice(0, n, n + 1).Contiguous().Detach().RequireGrad();
            var yn = F(xn);
            yn.Square().Sum().Backward();
            Close.Assert(yn.ToDoubleArray(), yb.Slice(0, n, n + 1).ToDoubleArray(), 1e-9, 1e-9, $"output of image {n}");
            Close.Assert(xn.Grad!.ToDoubleArray(), xb.Grad!.Slice(0, n, n + 1).ToDoubleArray(), 1e-9, 1e-9, $"input gradient of image {n}");
        }
        Close.Assert(w.Grad!.ToDoubleArray(), dwBatch, 1e-8, 1e-9, "weight gradient (summed over images)");
        Close.Assert(b.Grad!.ToDoubleArray(), dbBatch, 1e-8, 1e-9, "bias gradient (summed over images)");
    }

    [Fact]
    public void ChunkSize_FollowsTheBackendsScratch()
    {
        // The DCGAN's 64->128 layer at batch 128: 1,024 x 49 columns per image.
        var g = new ConvGeometry(N: 128, C: 64, H: 14, W: 14, K: 128, R: 4, S: 4, Stride: 2, Padding: 1);
        Assert.Equal(10, ConvGemmLowering.ChunkImages(g, ConvGemmLowering.ScratchFloats(Backend.Reference))); // 2 MB: 10 images
        Assert.Equal(128, ConvGemmLowering.ChunkImages(g, 1 << 24));                            // 64 MB: the whole batch
        Assert.Equal(1, ConvGemmLowering.ChunkImages(g, 1));                                    // never less than an image
        using var ilgpuCpu = Scratchgen.Backends.Ilgpu.IlgpuDevices.CreateCpu(threadsPerGroup: 16);
        Assert.Equal(IConvChunks.DefaultScratchFloats, ConvGemmLowering.ScratchFloats(ilgpuCpu));   // CI keeps walking chunks
    }
}
