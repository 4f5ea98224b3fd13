using Scratchgen.Backends;
using Scratchgen.Backends.Cpu;
using Scratchgen.Backends.Ilgpu;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Scratchgen.Tests.Support;
using Scratchgen.Tests.Training;

namespace Scratchgen.Tests.Ops;

/// <summary>
/// Ops whose outputs are allocated without the zero fill (Op.NewOverwrittenOutput: the Cpu pool hands
/// back a used array as it is, the Ilgpu pool a used device buffer) must write every element themselves.
/// Here the pool is first stocked with NaN-filled buffers, so an element an op forgot to write would
/// surface as NaN: forward outputs and every gradient must match, bit for bit, what the same computation
/// gives from zeroed buffers. One subclass per pooled backend.
/// </summary>
public abstract class OverwrittenOutputTests
{
    protected abstract IBackend Backend { get; }

    /// <summary>Stocks the backend's pool with NaN-filled buffers.</summary>
    protected abstract void Poison();

    public static TheoryData<string> Cases => new() { "linear", "matmul", "conv2d", "conv2d_bias", "conv_transpose2d", "leaky_relu", "tanh", "add_broadcast", "mul", "batch_norm", "contiguous", "concat", "sum", "bce_with_logits" };

    [Theory, MemberData(nameof(Cases))]
    public void OutputsAndGradients_DoNotDependOnWhatThePooledArraysHeld(string op)
    {
        float[][] clean = Run(op);
        Poison();
        float[][] poisoned = Run(op);
        Assert.Equal(clean.Length, poisoned.Length);
        for (int i = 0; i < clean.Length; i++)
        {
            Assert.True(poisoned[i].All(float.IsFinite), $"{op}: result {i} has an element the op never wrote (NaN from the pool)");
            Assert.Equal(clean[i], poisoned[i]);
        }
    }

    // The op's output and the gradients of sum(y * r) for every input, computed on the backend.
    private float[][] Run(string op)
    {
        var rng = new Rng(5);
        var backend = Backend;
        Tensor In(params int[] shape) => Tensor.RandN(shape, rng, backend: backend).RequireGrad();
        var inputs = new List<Tensor>();
        Tensor Keep(Tensor t) { inputs.Add(t); return t; }
        Tensor y = op switch
        {
            "linear" => Keep(In(5, 7)).Linear(Keep(In(3, 7)), Keep(In(3))),
            "matmul" => Keep(In(2, 4, 6)).MatMul(Keep(In(6, 5))),
            "conv2d" => Keep(In(2, 3, 6, 5)).Conv2d(Keep(In(4, 3, 3, 3)), stride: 2, padding: 1),
            "conv2d_bias" => Keep(In(2, 3, 6, 5)).Conv2d(Keep(In(4, 3, 3, 3)), Keep(In(4)), padding: 1),
            "conv_transpose2d" => Keep(In(2, 4, 3, 3)).ConvTranspose2d(Keep(In(4, 3, 4, 4)), Keep(In(3)), stride: 2, padding: 1),
            "leaky_relu" => Keep(In(6, 9)).LeakyRelu(0.2),
            "tanh" => Keep(In(6, 9)).Tanh(),
            "add_broadcast" => Keep(In(6, 9)).Add(Keep(In(9))),
            "mul" => Keep(In(6, 9)).Mul(Keep(In(6, 9))),
            "batch_norm" => Keep(In(4, 3, 5, 5)).BatchNorm(Keep(In(3)), Keep(In(3))),
            "sum" => Keep(In(4, 6, 5)).Sum([0, 2], keepdim: true),
            "bce_with_logits" => Loss.BceWithLogits(Keep(In(6, 9)), Keep(In(6, 9)).Sigmoid()),
            "contiguous" => Keep(In(7, 5)).Transpose(0, 1).Contiguous(),
            "concat" => TensorShape.Concat([Keep(In(3, 2, 5)), Keep(In(4, 2, 5))], 0).Add(TensorShape.Concat([Keep(In(3, 1, 4)), Keep(In(3, 2, 4))], 1).Sum()),
            _ => throw new ArgumentException(op),
        };
        var r = Tensor.RandN(y.Dims, new Rng(9), backend: backend);
        y.Mul(r).Sum().Backward();
        return [y.ToArray(), .. inputs.Select(t => t.Grad!.ToArray())];
    }

}

[Collection(ExclusiveCpuBackend.Name)]
public sealed class CpuOverwrittenOutputTests : OverwrittenOutputTests
{
    protected override IBackend Backend => Scratchgen.Backends.Backend.Cpu;

    // Arrays of every length up to 2048, four of each (the Cpu pool keeps exact lengths).
    protected override void Poison()
    {
        var cpu = (CpuBackend)Backend;
        for (int length = 1; length <= 2048; length++)
            for (int i = 0; i < 4; i++)
            {
                var array = new float[length];
                Array.Fill(array, float.NaN);
                cpu.Pool.Return(array);
            }
    }
}

/// <summary>The Ilgpu backend hands out pooled device buffers unzeroed too (IlgpuBackend.AllocateUninitialized).</summary>
public sealed class IlgpuCpuOverwrittenOutputTests : OverwrittenOutputTests
{
    protected override IBackend Backend => IlgpuDevices.Get("ilgpu-cpu");

    // Buffers of every size class up to 4096 elements (the Ilgpu pool rounds up to powers of two from 256), eight of each.
    protected override void Poison()
    {
        for (int size = 256; size <= 4096; size *= 2)
        {
            var nan = new float[size];
            Array.Fill(nan, float.NaN);
            for (int i = 0; i < 8; i++) ((IlgpuStorage)Backend.Upload((float[])nan.Clone())).Dispose();
        }
    }
}
