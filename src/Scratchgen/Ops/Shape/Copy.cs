using Scratchgen.Autograd;
using Scratchgen.Tensors;

namespace Scratchgen.Ops;

// y = x, copied into a new contiguous buffer (Contiguous, Clone)
// dx = dy
internal sealed class CopyOp(Tensor x) : Op(x)
{
    public override string Name => "copy";
    public override string Rule => "dx = dy";

    protected override Tensor Forward()
    {
        var y = NewOverwrittenOutput((int[])x.Dims.Clone());
        Backend.Copy(x, y);
        return y;
    }

    public override Tensor?[] Backward(Tensor dOut) => [dOut];
}
