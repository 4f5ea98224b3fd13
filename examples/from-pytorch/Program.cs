using Scratchgen.Autograd;
using Scratchgen.Imaging;
using Scratchgen.Tensors;
using Scratchgen.Training;

// A VAE trained by PyTorch (bench/peers/torch_models.py's twin: fc1, mu, logvar, fc3, fc4), saved as a
// safetensors state dict, brought in with the built-in name mapping, then sampled: 64 codes from the
// prior N(0, I) through the decoder.
// Usage: dotnet run -c Release [-- STATE_DICT.safetensors]   (default: the repository's test fixture)
string path = args.Length > 0 ? args[0] : Path.Combine("..", "..", "tests", "fixtures", "torch-vae", "model.safetensors");
var imported = TorchImport.Import(path, "vae");
foreach (var (ours, theirs) in imported.Names) Console.WriteLine($"{theirs,-14} -> {ours}");
foreach (var note in imported.Notes) Console.WriteLine($"note: {note}");

var model = imported.Model;
Tensor samples;
using (GradMode.NoGrad())
    samples = model.Decode(model.SampleLatent(64, new Rng(1)));
Directory.CreateDirectory("out");
SampleGrid.SavePng(samples, model.Range, "out/samples.png",
    Provenance.Generated(new Dictionary<string, string> { ["example"] = "from-pytorch", ["weights"] = Path.GetFileName(path) }), columns: 8, scale: 2);
TorchImport.WriteCheckpoint("out/checkpoint", model);    // the same weights as a Scratchgen checkpoint folder
Console.WriteLine("wrote out/samples.png and out/checkpoint/ (scratchgen sample out/checkpoint draws more)");
