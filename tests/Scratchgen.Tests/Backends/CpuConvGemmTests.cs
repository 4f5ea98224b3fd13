using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;

namespace Scratchgen.Tests.Backends;

/// <summary>The Cpu backend's three convolution GEMMs, which read the image through offset tables instead of an
/// im2col matrix and read/write NCHW tensors without reordering them (CpuBackend.ConvGemm.cs), against the
/// Reference backend's chunked im2col + matmul + reorders (ConvGemmLowering) in float64, on awkward
/// geometries: batch 1 and odd batches, odd images, 1 and 33 channels, stride, padding and dilation
/// combinations (strided ones with deep patches read a phase-split image), one image per chunk of the input gradient on either side, with accumulate on and off (the start values are random, so an accumulate that drops
/// them or a store that misses an element shows).</summary>
public sealed class CpuConvGemmTests
{
    [Theory]
    [InlineData(1, 1, 7, 7, 1, 3, 3, 1, 0, 1)]
    [InlineData(3, 3, 5, 7, 4, 3, 3, 1, 1, 1)]
    [InlineData(2, 5, 14, 14, 19, 4, 4, 2, 1, 1)]
    [InlineData(1, 33, 9, 11, 7, 2, 3, 2, 2, 2)]
    [InlineData(5, 2, 28, 28, 17, 4, 4, 2, 1, 1)]
    [InlineData(2, 7, 8, 6, 33, 1, 1, 3, 0, 1)]
    [InlineData(7, 4, 13, 13, 6, 5, 5, 1, 2, 1)]
    [InlineData(3, 32, 33, 31, 8, 3, 3, 1, 1, 1)] // 288 x 1023 columns per image: 3 chunks in the Reference lowering
    [InlineData(2, 64, 64, 64, 2, 3, 3, 1, 1, 1)] // 576 x 4096 columns per image, over the Cpu dx's 8 MB: one image per chunk
    // Few output positions per image: the forward's 16-column tiles hold runs of 9 and 7 (P = 9 below:
    // two runs, one stored as vectors, one float by float) and of 3 (more runs than the tile store takes)
    [InlineData(5, 3, 5, 5, 9, 3, 3, 1, 0, 1)]
    [InlineData(9, 2, 3, 5, 5, 3, 3, 1, 0, 1)]
    // Strided with a patch of 64 or more: the forward reads a phase-split copy of the image
    [InlineData(1, 8, 7, 9, 5, 3, 3, 2, 0, 1)]
    [InlineData(3, 4, 11, 10, 6, 5, 5, 3, 2, 1)]
    [InlineData(2, 16, 15, 15, 33, 4, 4, 2, 1, 1)]
    [InlineData(3, 64, 14, 14, 17, 4, 4, 2, 1, 1)] // the DCGAN's 64->128 layer, narrowed
    [InlineData(2, 5, 13, 12, 7, 4, 4, 4, 3, 1)]
    public void ConvGemms_MatchReference(int n, int c, int h, int w, int k, int r, int s, int stride, int padding, int dilation)
    {
        var g = new ConvGeometry(n, c, h, w, k, r, s, stride, padding, dilation);
        var rng = new Rng(11);
        var x = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        var wm = Tensor.RandN([k, g.PatchSize], rng, backend: Backend.Cpu);
        var dy = Tensor.RandN([n, k, g.OH, g.OW], rng, backend: Backend.Cpu);
        var yStart = Tensor.RandN([n, k, g.OH, g.OW], rng, backend: Backend.Cpu);
        var dwStart = Tensor.RandN([k, g.PatchSize], rng, backend: Backend.Cpu);
        var dxStart = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        IBackend cpu = Backend.Cpu, reference = Backend.Reference;
        Tensor R(Tensor t) => t.To(reference, DType.Float64);

        foreach (bool accumulate in new[] { false, true })
        {
            var y = yStart.Clone();
            var yWant = R(yStart);
            cpu.Im2ColMatMul(wm, x, y, g, accumulate);
            ConvGemmLowering.ChunkedIm2ColMatMul(reference, R(wm), R(x), yWant, g, accumulate, bias: null);
            Close.Assert(yWant.ToDoubleArray(), y.ToDoubleArray(), 1e-4, 1e-4, $"im2col_matmul {g} accumulate={accumulate}");

            var dw = dwStart.Clone();
            var dwWant = R(dwStart);
            cpu.MatMulIm2ColT(dy, x, dw, g, accumulate);
            ConvGemmLowering.ChunkedMatMulIm2ColT(reference, R(dy), R(x), dwWant, g, accumulate);
            Close.Assert(dwWant.ToDoubleArray(), dw.ToDoubleArray(), 1e-4, 1e-4, $"matmul_im2col_t {g} accumulate={accumulate}");
        }

        var dx = dxStart.Clone();
        var dxWant = R(dxStart);
        cpu.Col2ImMatMul(wm, dy, dx, g);
        ConvGemmLowering.ChunkedCol2ImMatMul(reference, R(wm), R(dy), dxWant, g, reference.Col2Im);
        Close.Assert(dxWant.ToDoubleArray(), dx.ToDoubleArray(), 1e-4, 1e-4, $"col2im_matmul {g}");
    }

    // Stride-2 geometries (n, c, h, w, r, s, padding) whose tap pairs the Cpu backend adds as interleaved rows.
    public static TheoryData<int, int, int, int, int, int, int> TapPairGeometries() => new()
    {
        { 2, 3, 14, 14, 4, 4, 1 }, // the DCGAN's layers: OW = 7
        { 1, 2, 13, 15, 4, 4, 1 },
        { 3, 1, 7, 9, 2, 2, 0 },
        { 2, 2, 11, 10, 6, 6, 3 },
        { 1, 1, 16, 16, 4, 2, 2 },
        { 1, 2, 8, 8, 4, 4, 1 }, // OW = 4: the pair's second half of 8 lanes all outside it
    };

    // col2im on its own, Cpu against Reference (float64), on the stride-2 geometries whose tap pairs the Cpu
    // backend adds as interleaved rows with AVX-512 or AVX2 (CpuBackend.Conv.cs, Col2ImPairs): odd and even images,
    // padding 0..3 (so a pair's window starts left of the plane, or a tap of the pair has no valid pixel in
    // a row), kernels 2, 4 and 6 wide, OW 4 to 8; and stride-2 cases that take the scalar path (S odd, OW > 8).
    // The target starts random, so an add that overwrites, or a lane stored outside the plane, shows.
    [Theory]
    [MemberData(nameof(TapPairGeometries))]
    [InlineData(2, 2, 9, 12, 3, 3, 1)] // S odd: scalar path
    [InlineData(1, 2, 28, 28, 4, 4, 1)] // OW = 14: scalar path
    public void Col2Im_Stride2_MatchesReference(int n, int c, int h, int w, int r, int s, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, 1, r, s, 2, padding);
        var rng = new Rng(21);
        var cols = Tensor.RandN([g.PatchSize, g.Columns], rng, backend: Backend.Cpu);
        var start = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        var x = start.Clone();
        var want = start.To(Backend.Reference, DType.Float64);
        Backend.Cpu.Col2Im(cols, x, g);
        Backend.Reference.Col2Im(cols.To(Backend.Reference, DType.Float64), want, g);
        Close.Assert(want.ToDoubleArray(), x.ToDoubleArray(), 1e-5, 1e-5, $"col2im {g}");
    }

    // The tap pairs (AVX-512, or AVX2 where .NET reports no AVX-512: CI runs this class both ways) against
    // the scalar loop: every float gets the same shares in the same order, so the planes agree bit for bit
    // (a share added twice or dropped, a lane stored outside the plane, or an interleave that swaps two
    // floats shows even where the Reference tolerance would not).
    [Theory]
    [MemberData(nameof(TapPairGeometries))]
    public void Col2Im_TapPairs_BitIdenticalToScalar(int n, int c, int h, int w, int r, int s, int padding)
    {
        var g = new ConvGeometry(n, c, h, w, 1, r, s, 2, padding);
        var rng = new Rng(22);
        var cols = Tensor.RandN([g.PatchSize, g.Columns], rng, backend: Backend.Cpu);
        var start = Tensor.RandN([n, c, h, w], rng, backend: Backend.Cpu);
        var cpu = Scratchgen.Backends.Cpu.CpuBackend.Instance;
        var scalar = start.Clone();
        var pairs = start.Clone();
        cpu.Col2Im(cols, scalar, g, tapPairs: false);
        cpu.Col2Im(cols, pairs, g, tapPairs: true);
        Assert.Equal(scalar.ToArray(), pairs.ToArray());
    }

    // The input gradient with each core taking its own run of images in L2-sized chunks, against the whole
    // batch shared by both cores per GEMM: every image is summed in the same order either way, so the two
    // must agree bit for bit (a chunk skipped, repeated or cut wrong shows). Batches that do not split
    // evenly into chunks or cores, and layers whose chunk is one image or the whole batch.
    [Theory]
    [InlineData(1, 64, 14, 128)]
    [InlineData(7, 64, 14, 128)]
    [InlineData(13, 64, 14, 128)]
    [InlineData(33, 1, 28, 64)]
    [InlineData(3, 300, 20, 8)] // over a core's scratch with one image: one image per chunk
    public void InputGradient_PerCoreImages_BitIdenticalToShared(int n, int c, int h, int k)
    {
        var g = new ConvGeometry(n, c, h, h, k, 4, 4, 2, 1);
        var rng = new Rng(3);
        var w = Tensor.RandN([k, g.PatchSize], rng, backend: Backend.Cpu);
        var dy = Tensor.RandN([n, k, g.OH, g.OW], rng, backend: Backend.Cpu);
        var start = Tensor.RandN([n, c, h, h], rng, backend: Backend.Cpu);
        var cpu = Scratchgen.Backends.Cpu.CpuBackend.Instance;
        var shared = start.Clone();
        var perCore = start.Clone();
        cpu.Col2ImMatMul(w, dy, shared, g, imagesPerCore: false);
        cpu.Col2ImMatMul(w, dy, perCore, g, imagesPerCore: true);
        Assert.Equal(shared.ToArray(), perCore.ToArray());
    }
}
