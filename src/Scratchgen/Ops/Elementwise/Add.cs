using System.Runtime.Intrinsics;
using Scratchgen.Backends;
using Scratchgen.Functors;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = a + b         da = dy, db = dy   (each summed over its broadcast axes); AddFn is in Functors/Sums.cs
internal sealed class AddOp(Tensor a, Tensor b) : BinaryOp<AddFn>(a, b, default)
{
    public override string Name => "add";
    public override string Rule => "da = dy, db = dy";
    public override Tensor?[] Backward(Tensor dOut) => [dOut, dOut];
}
