using Scratchgen.Cli;
using Scratchgen.Cli.Commands;
using Spectre.Console.Cli;

// The `scratchgen` command. Each verb is one class in Commands/; options are parsed by
// Spectre.Console.Cli into a settings record, so --help for every verb comes for free (its texts are
// Spectre markup: a literal [ is written [[). An option a command does not have is refused
// (UnknownOptionGuard), and every failure reaches the user through ErrorBoundary.
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("scratchgen");
    config.PropagateExceptions();
    config.SetInterceptor(new UnknownOptionGuard());
    config.AddBranch("demo", demo =>
    {
        demo.SetDescription("Small end-to-end demonstrations of the engine.");
        demo.AddCommand<XorDemoCommand>("xor").WithDescription("Train a 2-8-1 MLP on XOR with the autograd engine and print the loss as it falls.");
    });
    config.AddCommand<TrainCommand>("train")
        .WithDescription($"Train a generative model ({string.Join(", ", Scratchgen.Models.ModelFactory.Names)}) and write its pictures, metrics and checkpoint into --out; --resume continues a run as it was started.")
        .WithExample("train", "dcgan")
        .WithExample("train", "vae", "--epochs", "2", "--out", "runs/vae");
    config.AddCommand<SampleCommand>("sample").WithDescription("Draw a grid of new images from a trained model's checkpoint.");
    config.AddCommand<InterpolateCommand>("interpolate").WithDescription("Decode straight lines between latent codes of a trained model.");
    config.AddCommand<ReconstructCommand>("reconstruct").WithDescription("Show held-out images above their reconstructions (ae, dae, vae, cvae).");
    config.AddCommand<EvalCommand>("eval").WithDescription("Evaluate a checkpoint: held-out losses; FID, Inception Score, class coverage and balance (generators); ELBO and importance-weighted NLL (VAEs); reconstruction error beside PCA (autoencoders). Writes eval.json.");
    config.AddCommand<CompressCommand>("compress").WithDescription("Compress held-out digits with an ae or vae's code quantised to 2-8 bits, beside PCA, JPEG and PNG: bytes per image, PSNR, SSIM; compression.json and compression.png.");
    config.AddCommand<TraverseCommand>("traverse").WithDescription("Vary one latent dimension of a vae at a time for a few held-out digits, active dimensions first: traversal.png, and per-dimension KL, active dimensions and the class MIG in traversal.json.");
    config.AddCommand<DenoiseCommand>("denoise").WithDescription("Noisy held-out digits in, a denoising autoencoder's output out, beside the originals; PSNR of both.");
    config.AddCommand<AugmentCommand>("augment").WithDescription("Train a small classifier on a few labels with and without samples from a cgan or cvae; held-out accuracy both ways.");
    config.AddBranch("classifier", classifier =>
    {
        classifier.SetDescription("The evaluation classifier (LeNet-5) behind FID, the Inception Score and the bias report.");
        classifier.AddCommand<ClassifierTrainCommand>("train").WithDescription("Train it on the training split and write its weights (reproduces data/mnist-classifier.safetensors).");
        classifier.AddCommand<ClassifierAccuracyCommand>("accuracy").WithDescription("Its accuracy per digit on the held-out split.");
    });
    config.AddCommand<GradCheckCommand>("gradcheck")
        .WithDescription("Check every op's backward against finite differences (float64), or a backend against the Reference backend.");
    config.AddCommand<TraceCommand>("trace")
        .WithDescription("Run one training step of a small model and print every forward op and backward step: shapes, derivative rule, gradient norms, accumulation (--dot: the graph as Graphviz DOT/SVG).");
    config.AddBranch("lab", lab =>
    {
        lab.SetDescription("Small, visual experiments for teaching.");
        lab.AddCommand<LabServeCommand>("serve").WithDescription("The live GAN lab in the browser (127.0.0.1): play, pause, step and change data, loss, learning rates, D steps and widths while the engine trains a 2-D GAN; D's surface, G's gradient arrows, losses, mode coverage, warnings, the step's ops; a replayable change log.");
        lab.AddCommand<GanLabCommand>("gan2d").WithDescription("A plain GAN and WGAN-GP side by side on a 2-D ring or grid of Gaussians: GIFs of points and decision surface, modes covered, collapse warnings.");
    });
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Measure kernels on this machine.");
        bench.AddCommand<BenchModelsCommand>("models").WithDescription("Training images/s and peak memory of the reference models (MLP AE, VAE, GAN, DCGAN) on the embedded data.");
        bench.AddCommand<BenchQualityCommand>("quality").WithDescription("Train every catalog model with its defaults for 3 seeds and score each (FID, IS, classes covered, label agreement, -ELBO, collapse warnings, wall time): quality.md and quality.json.");
        bench.AddCommand<BenchConvCommand>("conv").WithDescription("Forward+backward ms of the DCGAN conv layers at batch 64.");
        bench.AddCommand<BenchLadderCommand>("ladder").WithDescription("Every rung of a kernel family (matmul, conv, batchnorm, elementwise, reduce) on the backends named: checked against the float64 reference on awkward and round shapes, then timed, with its rate and share of the FMA peak.");
        bench.AddCommand<BenchMatMulCommand>("matmul").WithDescription("SGEMM GFLOPS of every Cpu variant and % of the measured FMA peak (optionally beside numpy/OpenBLAS).");
    });
    config.AddCommand<ImportTorchCommand>("import-torch").WithDescription("Turn a PyTorch state dict saved with safetensors into a checkpoint folder: names mapped, every shape and dtype checked.");
    config.AddCommand<ExportOnnxCommand>("export-onnx").WithDescription("Write a checkpoint's generator (latent codes to images) as an ONNX model, for ONNX Runtime and other runtimes.");
    config.AddCommand<InspectCommand>("inspect").WithDescription("Print the provenance (synthetic, model, checkpoint hash, seed) a PNG or GIF written by Scratchgen carries.");
    config.AddCommand<ServeCommand>("serve").WithDescription("A read-only live page of a training run folder (127.0.0.1): latest sample grid, loss curves, per-epoch metrics and warnings, refreshed while the run writes them.");
    config.AddCommand<ReportCommand>("report").WithDescription("Write a static, self-contained HTML page of a run: pictures, per-epoch curves and metrics, eval.json.");
    config.AddCommand<DetectCommand>("detect").WithDescription("Train a small real-vs-generated classifier per kept epoch of a run and report its ROC AUC on unseen images.");
    config.AddCommand<AnomalyCommand>("anomaly").WithDescription("Train an AE or VAE on all digits but one, score held-out images, report the ROC AUC of the held-out digit and picture the most and least anomalous.");
    config.AddCommand<MakeLettersCommand>("make-letters").WithDescription("Write a second, offline data set: letters A-Z with random geometry and stroke as 28x28 PNGs, one folder per letter.");
    config.AddCommand<MakeShapesCommand>("make-shapes").WithDescription("Write a small RGB data set offline: one coloured shape per image (circles, squares, triangles, diamonds) on a dark background, as PNGs, one folder per shape.");
    config.AddCommand<TransferDemoCommand>("transfer-demo").WithDescription("Fine-tune a checkpoint on a small subset of new data beside training from scratch for the same steps; samples and loss curves side by side.");
    config.AddCommand<DevicesCommand>("devices").WithDescription("List the backends this machine can run and what they use.");
});

return ErrorBoundary.Run(args, () => app.Run(args));
