using Scratchgen.Autograd;
using Scratchgen.Checkpoints;
using Scratchgen.Models;
using Scratchgen.Nn;
using Scratchgen.Tensors;

namespace Scratchgen.Training;

/// <summary>
/// Generators out to ONNX: the network that turns latent codes into images, as an ONNX model (opset 13)
/// with one input "z" (N, LatentDim) and one output "images" (N, C, H, W), computing what
/// <see cref="GenerativeModel.Decode"/> computes in evaluation mode: for a VAE or an autoencoder the decoder
/// and its sigmoid, for a GAN the generator (its weight average where the recipe keeps one). Batch norm runs
/// on its running statistics. The layers it can write: Linear, Conv2d, ConvTranspose2d, BatchNorm, ReLU,
/// LeakyReLU, ELU, tanh, sigmoid, Flatten, Unflatten, Dropout (identity) and Sequential; anything else, and
/// conditional models (their label input), is refused with the reason.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX bytes of <paramref name="model"/>'s generator; see the class summary.</summary>
    public static byte[] Generator(GenerativeModel model)
    {
        if (model.IsConditional)
            throw new NotSupportedException($"export-onnx: a {model.Kind} takes a label beside its code; only unconditional generators are exported");
        var (network, sigmoid, values) = model switch
        {
            Vae vae => (vae.Decoder, true, Same(vae.Decoder)),
            Autoencoder ae => (ae.Decoder, true, Same(ae.Decoder)),
            GanBase gan => (gan.Generator, false, gan.GeneratorAverage is { } avg ? Averaged(gan.Generator, avg) : Same(gan.Generator)),
            _ => throw new NotSupportedException($"export-onnx: no generator to export in a {model.Kind}"),
        };
        bool training = model.Training;
        model.Eval();
        try
        {
            using var _ = GradMode.NoGrad();
            var o = model.Options;
            var graph = new OnnxGraph();
            var probe = Tensor.Zeros([1, o.LatentDim], backend: o.ResolvedBackend);
            var (x, _) = Emit(graph, network, "z", probe, values, "g");
            if (sigmoid) x = graph.Node("Sigmoid", [x]);
            x = graph.Node("Reshape", [x, graph.Constant("image_shape", [-1L, o.Channels, o.Height, o.Width])]);
            x = graph.NamedNode("Identity", "images", [x]);
            var version = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
            return graph.Write("z", [null, o.LatentDim], x, [null, o.Channels, o.Height, o.Width], version);
        }
        finally { model.Train(training); }
    }

    /// <summary>Writes <see cref="Generator"/>'s bytes to <paramref name="path"/> (replaced atomically).</summary>
    public static void Write(GenerativeModel model, string path)
    {
        var bytes = Generator(model);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static Dictionary<Tensor, Tensor> Same(Module m) =>
        m.StateDict().ToDictionary(p => p.Tensor, p => p.Tensor, ReferenceEqualityComparer.Instance as IEqualityComparer<Tensor>);

    // The average holds a copy of the generator's architecture whose state has the generator's names.
    private static Dictionary<Tensor, Tensor> Averaged(Module generator, WeightAverage average)
    {
        var byName = average.StateDict().ToDictionary(p => p.Name, p => p.Tensor);
        return generator.StateDict().ToDictionary(p => p.Tensor, p => byName[p.Name], ReferenceEqualityComparer.Instance as IEqualityComparer<Tensor>);
    }

    // Writes the nodes of one layer, whose input is the value named x; probe runs the layer alongside, so each
    // layer's output shape is known (Unflatten's target shape is read from it).
    private static (string Output, Tensor Probe) Emit(OnnxGraph g, Layer layer, string x, Tensor probe, Dictionary<Tensor, Tensor> values, string path)
    {
        if (layer is Sequential seq)
        {
            for (int i = 0; i < seq.Layers.Count; i++) (x, probe) = Emit(g, seq.Layers[i], x, probe, values, $"{path}.{i}");
            return (x, probe);
        }
        var next = layer.Forward(probe);
        string Const(Tensor t, string name) => g.Constant($"{path}.{name}", values[t].ToArray(), values[t].Shape);
        string output = layer switch
        {
            Linear { Spectral: not null } or Conv2d { Spectral: not null } =>
                throw new NotSupportedException($"export-onnx: layer {path} uses spectral normalisation, which is not exported"),
            Linear l => g.Node("Gemm", l.Bias is { } b ? [x, Const(l.Weight, "weight"), Const(b, "bias")] : [x, Const(l.Weight, "weight")], ("transB", 1)),
            Conv2d c => g.Node("Conv", c.Bias is { } b ? [x, Const(c.Weight, "weight"), Const(b, "bias")] : [x, Const(c.Weight, "weight")],
                ("kernel_shape", new[] { c.Weight.Size(2), c.Weight.Size(3) }), ("strides", new[] { c.Stride, c.Stride }),
                ("pads", new[] { c.Padding, c.Padding, c.Padding, c.Padding }), ("dilations", new[] { c.Dilation, c.Dilation })),
            ConvTranspose2d t => g.Node("ConvTranspose", t.Bias is { } b ? [x, Const(t.Weight, "weight"), Const(b, "bias")] : [x, Const(t.Weight, "weight")],
                ("kernel_shape", new[] { t.Weight.Size(2), t.Weight.Size(3) }), ("strides", new[] { t._stride, t._stride }),
                ("pads", new[] { t._padding, t._padding, t._padding, t._padding }), ("output_padding", new[] { t._outputPadding, t._outputPadding })),
            BatchNorm bn => g.Node("BatchNormalization",
                [x, Const(bn.Weight, "weight"), Const(bn.Bias, "bias"), Const(bn.RunningMean, "running_mean"), Const(bn.RunningVar, "running_var")],
                ("epsilon", (float)bn.Eps)),
            Relu => g.Node("Relu", [x]),
            LeakyRelu lr => g.Node("LeakyRelu", [x], ("alpha", (float)lr.Slope)),
            Elu e => g.Node("Elu", [x], ("alpha", (float)e.Alpha)),
            Nn.Tanh => g.Node("Tanh", [x]),
            Nn.Sigmoid => g.Node("Sigmoid", [x]),
            Flatten => g.Node("Flatten", [x], ("axis", 1)),
            Unflatten => g.Node("Reshape", [x, g.Constant($"{path}.shape", [-1L, .. next.Shape[1..].ToArray().Select(d => (long)d)])]),
            Dropout => x,
            _ => throw new NotSupportedException($"export-onnx: layer {path} is a {layer.GetType().Name}, which is not exported"),
        };
        return (output, next);
    }
}
