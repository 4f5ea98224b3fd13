using Scratchgen.Data;

namespace Scratchgen.Tests.Data;

public sealed class IdxReaderTests
{
    [Fact]
    public void Read_PlainAndGzip_RoundTripTheSameArray()
    {
        var payload = IdxBytes.Sequence(2 * 3 * 4);
        var raw = IdxBytes.Build([2, 3, 4], payload);
        // Extensions lie on purpose: gzip is detected by its magic bytes.
        var plain = IdxReader.Read(IdxBytes.WriteTemp(raw, "images.gz"));
        var packed = IdxReader.Read(IdxBytes.WriteTemp(IdxBytes.Gzip(raw), "images.idx"));
        Assert.Equal([2, 3, 4], plain.Dims);
        Assert.Equal(payload, plain.Data);
        Assert.Equal(plain.Dims, packed.Dims);
        Assert.Equal(plain.Data, packed.Data);
    }

    public static TheoryData<string, byte[], string> Hostile() => new()
    {
        { "empty", [], "at least 4" },
        { "bad zero prefix", IdxBytes.Build([1, 0], [2], [1, 2]), "two zero bytes" },
        { "float type code", IdxBytes.Build([0, 0], [2], new byte[8], typeCode: 0x0D), "type code 0x0D" },
        { "zero dims", [0, 0, 8, 0], "0 dimensions" },
        { "too many dims", [0, 0, 8, 9, .. new byte[36]], "9 dimensions" },
        { "header cut", IdxBytes.Build([5, 5], [])[..7], "ends inside the header" },
        { "truncated", IdxBytes.Build([10], new byte[9]), "truncated" },
        { "trailing", IdxBytes.Build([10], new byte[11]), "trailing data" },
        { "dims 0xFFFFFFFF", IdxBytes.Build([0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], []), "4294967295" },
        { "product overflow", IdxBytes.Build([65536, 65536, 65536], []), "more than" },
        { "gzip truncated", IdxBytes.Gzip(IdxBytes.Build([10], new byte[9])), "truncated" },
        { "gzip trailing", IdxBytes.Gzip(IdxBytes.Build([10], new byte[11])), "trailing data" },
        { "gzip claims huge", IdxBytes.Gzip(IdxBytes.Build([10000, 28, 28], new byte[16])), "inflate" },
        { "gzip 0xFFFFFFFF", IdxBytes.Gzip(IdxBytes.Build([0xFFFFFFFF], [])), "4294967295" },
        { "gzip corrupt", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0x12], "gzip" },
    };

    [Theory, MemberData(nameof(Hostile))]
    public void Read_HostileFile_FailsFastWithNamedError(string what, byte[] bytes, string expected)
    {
        var path = IdxBytes.WriteTemp(bytes, "hostile-" + what.Replace(' ', '-'));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => IdxReader.Read(path));
        // "Fast" is checked by what the refusal costs, not by the clock (wall-clock bounds flake on the
        // shared 2-core CI host): nothing may scale with the sizes the header claims.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, $"{what}: allocated too much before refusing");
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void FromIdx_CountMismatchAndLabelOutOfRange_AreRefusedByName()
    {
        var images = new IdxArray([3, 2, 2], new byte[12]);
        var e = Assert.Throws<DataFormatException>(() => Dataset.FromIdx(images, "img", new IdxArray([2], [0, 1]), "lab"));
        Assert.Contains("lab", e.Message);
        Assert.Contains("counts must agree", e.Message);
        e = Assert.Throws<DataFormatException>(() => Dataset.FromIdx(images, "img", new IdxArray([3], [0, 10, 1]), "lab"));
        Assert.Contains("label 10 at index 1", e.Message);
        e = Assert.Throws<DataFormatException>(() => Dataset.FromIdx(new IdxArray([12], new byte[12]), "img", new IdxArray([12], new byte[12]), "lab"));
        Assert.Contains("3 dimensions", e.Message);
    }

    [Fact]
    public void FromIdxFiles_ScalesBytesToUnitRange()
    {
        var imgs = IdxBytes.WriteTemp(IdxBytes.Gzip(IdxBytes.Build([2, 1, 2], [0, 255, 51, 102])), "i.gz");
        var labs = IdxBytes.WriteTemp(IdxBytes.Build([2], [3, 7]), "l");
        var ds = Dataset.FromIdxFiles(imgs, labs);
        Assert.Equal(2, ds.Count);
        Assert.Equal([1, 1, 2], ds.ImageShape);
        Assert.Equal([0f, 1f, 0.2f, 0.4f], ds.Images.ToArray());
        Assert.Equal([3, 7], ds.Labels.ToArray());
    }
}
