using Scratchgen.Data;
using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

// A GAN trained by a loop written out in full: no TrainingRun, no model class. The generator maps 64
// noise values to a 28x28 digit in [-1, 1]; the discriminator maps a digit to one logit, "real" > 0.
// Usage: dotnet run -c Release [-- STEPS]   (default 1200 steps of 64 images, well under a minute on 2 cores)
int steps = args.Length > 0 ? int.Parse(args[0]) : 1200;
const int Latent = 64, Batch = 64, Hidden = 256, FrameEvery = 100;
var rng = new Rng(42);

var generator = new Sequential(
    new Linear(Latent, Hidden, rng), new LeakyRelu(0.2),
    new Linear(Hidden, Hidden, rng), new LeakyRelu(0.2),
    new Linear(Hidden, 28 * 28, rng), new Tanh(), new Unflatten(1, 28, 28));
var discriminator = new Sequential(
    new Flatten(),
    new Linear(28 * 28, Hidden, rng), new LeakyRelu(0.2),
    new Linear(Hidden, 1, rng));
// DCGAN's Adam settings: a small learning rate and beta1 = 0.5, so momentum does not outlast the opponent's moves.
var optG = new Adam(generator.Parameters(), learningRate: 2e-4, beta1: 0.5);
var optD = new Adam(discriminator.Parameters(), learningRate: 2e-4, beta1: 0.5);

// The embedded MNIST digits, scaled to [-1, 1] to match the generator's tanh.
var digits = Embedded.Mnist10k();
var batches = new BatchIterator(digits, Batch, rng.Split(), scaleToSymmetric: true, dropLast: true);
var real = Tensor.Full([Batch, 1], 0.9);                  // one-sided label smoothing: D aims at 0.9 for real images
var fake = Tensor.Zeros([Batch, 1]);
var ones = Tensor.Ones([Batch, 1]);
var fixedNoise = Tensor.RandN([64, Latent], new Rng(7));   // the same 64 codes in every frame
var frames = new List<Raster>();

for (int step = 1; step <= steps; step++)
{
    var (images, _) = batches.Next();
    var z = Tensor.RandN([Batch, Latent], rng);

    // 1. The discriminator: real images towards "real", generated ones towards "fake". The generated
    //    batch is detached, so this backward pass stops at D and computes nothing for G.
    optD.ZeroGrad();
    var generated = generator.Forward(z);
    var lossD = Loss.BceWithLogits(discriminator.Forward(images), real)
              + Loss.BceWithLogits(discriminator.Forward(generated.Detach()), fake);
    lossD.Backward();
    optD.Step();

    // 2. The generator: make D call its images real (the non-saturating loss -log D(G(z))). D's weights
    //    are frozen meanwhile: the gradient flows through D to G without computing D's own.
    optG.ZeroGrad();
    using (discriminator.ParametersFrozen())
    {
        var lossG = Loss.BceWithLogits(discriminator.Forward(generated), ones);
        lossG.Backward();
        if (step % FrameEvery == 0) Console.WriteLine($"step {step,5}: loss D {lossD.Item():F3}  loss G {lossG.Item():F3}");
    }
    optG.Step();

    if (step % FrameEvery == 0 || step == steps)
    {
        generator.Eval();
        frames.Add(SampleGrid.Render(generator.Forward(fixedNoise), PixelRange.MinusOneToOne, columns: 8, scale: 2));
        generator.Train(true);
    }
}

Directory.CreateDirectory("out");
var provenance = Provenance.Generated(new Dictionary<string, string> { ["example"] = "my-gan-loop", ["steps"] = steps.ToString() });
ImageFiles.SavePng(frames[^1], "out/samples.png", provenance);
ImageFiles.SaveGif(frames, "out/training.gif", provenance, frameDelayMs: 300);
Console.WriteLine($"wrote out/samples.png and out/training.gif ({frames.Count} frames)");
