using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Tensors;

public sealed class TensorTests
{
    [Fact]
    public void Factories_FillAsDocumented()
    {
        Assert.Equal([0f, 0f, 0f, 0f], Tensor.Zeros([2, 2]).ToArray());
        Assert.Equal([1f, 1f], Tensor.Ones([2]).ToArray());
        Assert.Equal([2.5f, 2.5f, 2.5f], Tensor.Full([3], 2.5).ToArray());
        Assert.Equal([0f, 1f, 2f, 3f], Tensor.Arange(4).ToArray());
        Assert.Equal([1f, 1.5f, 2f], Tensor.Arange(1, 2.4, 0.5).ToArray());
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
        Assert.Equal([1.0, 2.0], Tensor.FromArray([1.0, 2.0], [2], DType.Float64, Backend.Reference).ToDoubleArray());
    }

    [Fact]
    public void RandomFactories_AreReproducibleFromSeed_AndHaveRightMoments()
    {
        var a = Tensor.RandN([10000], new Rng(42)).ToArray();
        var b = Tensor.RandN([10000], new Rng(42)).ToArray();
        Assert.Equal(a, b);
        Assert.InRange(a.Average(), -0.05, 0.05);
        Assert.InRange(a.Select(v => v * v).Average(), 0.95, 1.05);
        var u = Tensor.Rand([10000], new Rng(1), low: 2, high: 4).ToArray();
        Assert.True(u.All(v => v >= 2 && v < 4));
        Assert.InRange(u.Average(), 2.95, 3.05);
        Assert.NotEqual(a, Tensor.RandN([10000], new Rng(43)).ToArray());
    }

    // FillNormal transforms its pairs over the cores: it must give exactly the values of as many NextNormal
    // calls, in order, take a pending spare first and leave the same spare behind (odd counts); RandN uses it.
    [Theory, InlineData(0), InlineData(1), InlineData(2), InlineData(3), InlineData(12800), InlineData(12801)]
    public void Rng_FillNormal_EqualsNextNormalCallByCall(int count)
    {
        foreach (bool spareFirst in new[] { false, true })
        {
            var sequential = new Rng(9);
            var bulk = new Rng(9);
            if (spareFirst)
                Assert.Equal(sequential.NextNormal(), bulk.NextNormal()); // leaves a spare in both
            var want = Enumerable.Range(0, count).Select(_ => sequential.NextNormal()).ToArray();
            var got = new double[count + 5];
            bulk.FillNormal(got, count);
            Assert.Equal(want, got[..count]);
            Assert.Equal(sequential.NextNormal(), bulk.NextNormal());
            Assert.Equal(sequential.NextNormal(), bulk.NextNormal());
        }
        var z = Tensor.RandN([count], new Rng(4), mean: 1, std: 2).ToArray();
        var r = new Rng(4);
        Assert.Equal(Enumerable.Range(0, count).Select(_ => (float)(1 + 2 * r.NextNormal())), z);
    }

    [Fact]
    public void Rng_StateRoundTrips_AndSplitIsIndependent()
    {
        var rng = new Rng(7);
        rng.NextNormal();
        var state = rng.GetState();
        var expected = Enumerable.Range(0, 5).Select(_ => rng.NextNormal()).ToArray();
        var restored = new Rng(0);
        restored.SetState(state);
        Assert.Equal(expected, Enumerable.Range(0, 5).Select(_ => restored.NextNormal()).ToArray());
        var parent = new Rng(7);
        var child = parent.Split();
        Assert.NotEqual(parent.NextUInt64(), child.NextUInt64());
    }

    [Fact]
    public void Views_ShareStorage_WithoutCopying()
    {
        var x = Tensor.Arange(12).Reshape([3, 4]);
        Assert.Same(x.Storage, x.Reshape([4, 3]).Storage);
        var t = x.Transpose(0, 1);
        Assert.Same(x.Storage, t.Storage);
        Assert.Equal([1, 4], t.Strides.ToArray());
        Assert.False(t.IsContiguous);
        var s = x.Slice(1, 1, 3);
        Assert.Same(x.Storage, s.Storage);
        Assert.Equal([1f, 2f, 5f, 6f, 9f, 10f], s.ToArray());
        var e = Tensor.Arange(3).Reshape([3, 1]).Expand([3, 4]);
        Assert.Equal([1, 0], e.Strides.ToArray());
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f, 2f, 2f, 2f, 2f], e.ToArray());
    }

    [Fact]
    public void Contiguous_CopiesOnlyWhenNeeded()
    {
        var x = Tensor.Arange(6).Reshape([2, 3]);
        Assert.Same(x, x.Contiguous());
        var c = x.T().Contiguous();
        Assert.NotSame(x.Storage, c.Storage);
        Assert.True(c.IsContiguous);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], c.ToArray());
        // Reshape of a non-contiguous view must copy, and keep logical order.
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], x.T().Reshape([6]).ToArray());
    }

    [Fact]
    public void ShapeErrors_NameOpAndBothShapes()
    {
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([4, 3]);
        var add = Assert.Throws<ShapeException>(() => a.Add(b));
        Assert.Contains("add", add.Message);
        Assert.Contains("(2, 3)", add.Message);
        Assert.Contains("(4, 3)", add.Message);
        var mm = Assert.Throws<ShapeException>(() => a.MatMul(b));
        Assert.Contains("matmul", mm.Message);
        Assert.Contains("(4, 3)", mm.Message);
        var reshape = Assert.Throws<ShapeException>(() => a.Reshape([4, 2]));
        Assert.Contains("(4, 2)", reshape.Message);
        Assert.Throws<ShapeException>(() => a.Slice(1, 2, 5));
        Assert.Throws<ShapeException>(() => a.Sum(2));
    }

    [Fact]
    public void To_MovesBetweenBackendsAndDTypes()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], [3], Backend.Cpu);
        var r = x.To(Backend.Reference, DType.Float64);
        Assert.Equal(Backend.Reference, r.Backend);
        Assert.Equal(DType.Float64, r.DType);
        Assert.Equal([1.0, 2.0, 3.0], r.ToDoubleArray());
        Assert.Equal(x.ToArray(), r.To(Backend.Cpu, DType.Float32).ToArray());
    }

    [Fact]
    public void CpuBackend_RefusesFloat64_WithAHint()
    {
        var ex = Assert.Throws<NotSupportedException>(() => Tensor.Zeros([2], DType.Float64, Backend.Cpu));
        Assert.Contains("Reference", ex.Message);
    }

    [Fact]
    public void MixedBackends_AreRefusedWithBothNamed()
    {
        var a = Tensor.Zeros([2], backend: Backend.Cpu);
        var b = Tensor.Zeros([2], backend: Backend.Reference);
        var ex = Assert.Throws<ArgumentException>(() => a.Add(b));
        Assert.Contains("cpu", ex.Message);
        Assert.Contains("reference", ex.Message);
    }

    [Fact]
    public void FromArray_WrongLength_IsRefused()
    {
        var ex = Assert.Throws<ShapeException>(() => Tensor.FromArray([1f, 2f, 3f], [2, 2]));
        Assert.Contains("(2, 2)", ex.Message);
    }
}
