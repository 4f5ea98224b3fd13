// The TorchSharp-cpu 0.107.0 side of Scratchgen's side-by-side benchmarks (bench/compare.sh runs both).
// Every model here is written layer for layer as src/Scratchgen/Models/*.cs defines it, on the same
// embedded data (data/mnist-10k-images-idx3-ubyte.gz: the first 9,000 images train, the last 1,000 test),
// batch 128, 2 threads, and reports the same units as `scratchgen train`.
//
//   dotnet run --project bench/Scratchgen.Bench.TorchSharp -c Release -- models [--model ae|vae|gan|dcgan] [--epochs 1]
//   dotnet run --project bench/Scratchgen.Bench.TorchSharp -c Release -- conv [--reps 15]
//   dotnet run --project bench/Scratchgen.Bench.TorchSharp -c Release -- sgemm [--sizes 256,512,1024,2048]
//
// Output lines are meant for bench/compare.sh to parse (keep their shape):
//   torchsharp ae epoch 1: 6865 img/s, 1.3 s, test bce 0.2573
//   torchsharp ae peak RSS 512 MB
//   torchsharp conv D conv 1->64 on 28x28: median 9.20 ms, min 8.90 ms
//   torchsharp sgemm n=1024: median 16.2 ms, 132.5 GFLOPS
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: models [--model ae|vae|gan|dcgan|all] [--epochs N] [--batch-size N] [--data FILE] | conv [--reps N] | sgemm [--sizes LIST]");
    return args.Length == 0 ? 2 : 0;
}

string Option(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

torch.set_num_threads(2);
Console.WriteLine($"# TorchSharp {typeof(torch).Assembly.GetName().Version}, libtorch {torch.__version__}, threads {torch.get_num_threads()}");

switch (args[0])
{
    case "models":
    {
        int epochs = int.Parse(Option("--epochs", "1"));
        int batch = int.Parse(Option("--batch-size", "128"));
        string which = Option("--model", "all");
        string data = Option("--data", FindData());
        var models = which == "all" ? ["ae", "vae", "gan", "dcgan"] : which.Split(',');
        var images = Mnist.ReadImages(data); // (N, 784) in [0, 1]
        foreach (var m in models) ModelBench.Run(m, images, epochs, batch);
        Console.WriteLine($"torchsharp {which} peak RSS {PeakRssMb():F0} MB");
        return 0;
    }
    case "conv":
        ConvBench.Run(int.Parse(Option("--reps", "15")));
        Console.WriteLine($"torchsharp conv peak RSS {PeakRssMb():F0} MB");
        return 0;
    case "sgemm":
        SgemmBench.Run(Option("--sizes", "256,512,1024,2048").Split(',').Select(int.Parse).ToArray());
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}': expected models, conv or sgemm");
        return 2;
}

// The process's peak resident set (VmHWM), in MB.
static double PeakRssMb()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
        if (line.StartsWith("VmHWM:"))
            return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) / 1024.0;
    return double.NaN;
}

// data/mnist-10k-images-idx3-ubyte.gz, looked for upwards from the working directory and from this program.
static string FindData()
{
    const string rel = "data/mnist-10k-images-idx3-ubyte.gz";
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, rel))) return Path.Combine(dir.FullName, rel);
    throw new FileNotFoundException($"{rel} not found above {Directory.GetCurrentDirectory()}: pass --data FILE");
}

/// <summary>IDX (gzip) reader: big-endian header 0x00 0x00 type rank, then rank big-endian uint32 sizes, then the bytes.</summary>
static class Mnist
{
    public static Tensor ReadImages(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        var b = ms.ToArray();
        if (b[0] != 0 || b[1] != 0 || b[2] != 0x08) throw new InvalidDataException($"{path}: not an unsigned-byte IDX file");
        int rank = b[3];
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = (b[4 + 4 * i] << 24) | (b[5 + 4 * i] << 16) | (b[6 + 4 * i] << 8) | b[7 + 4 * i];
        int n = dims[0], pixels = dims.Skip(1).Aggregate(1, (a, d) => a * d), offset = 4 + 4 * rank;
        var values = new float[(long)n * pixels];
        for (long i = 0; i < values.Length; i++) values[i] = b[offset + i] / 255f;
        return torch.tensor(values, [n, pixels]);
    }
}

/// <summary>The four reference models, as Scratchgen defines them, trained and timed like `scratchgen train`.</summary>
static class ModelBench
{
    const int TrainCount = 9000;

    public static void Run(string model, Tensor images, int epochs, int batch)
    {
        torch.manual_seed(1);
        bool symmetric = model is "gan" or "dcgan"; // GANs see [-1, 1] (tanh output), AE/VAE [0, 1]
        using var all = symmetric ? images * 2 - 1 : images.clone();
        var x = model == "dcgan" ? all.reshape(-1, 1, 28, 28) : all;
        using var train = x.narrow(0, 0, TrainCount);
        using var test = x.narrow(0, TrainCount, x.shape[0] - TrainCount);
        ITrainable m = model switch
        {
            "ae" => new Autoencoder(),
            "vae" => new Vae(),
            "gan" => new Gan(dcgan: false),
            "dcgan" => new Gan(dcgan: true),
            _ => throw new ArgumentException($"unknown model '{model}': expected ae, vae, gan or dcgan"),
        };
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            using var perm = torch.randperm(TrainCount);
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < TrainCount; i += batch)
            {
                // A dispose scope per step frees each step's tensors at once, as a careful TorchSharp user
                // would; without it native memory waits for the GC and the peak RSS grows.
                using var scope = torch.NewDisposeScope();
                var xb = train.index_select(0, perm.narrow(0, i, Math.Min(batch, TrainCount - i)));
                m.Step(xb);
            }
            double seconds = clock.Elapsed.TotalSeconds;
            var (name, value) = m.Evaluate(test, batch); // as Scratchgen's TrainingRun.Evaluate
            Console.WriteLine($"torchsharp {model} epoch {epoch}: {TrainCount / seconds:F0} img/s, {seconds:F2} s, test {name} {value:F4}");
        }
    }

    /// <summary>Mean of a per-image loss over the test split in batches of evalBatch (as Scratchgen's trainer).</summary>
    public static double Mean(Tensor test, int evalBatch, Func<Tensor, double> loss)
    {
        double sum = 0;
        long n = test.shape[0];
        for (long i = 0; i < n; i += evalBatch)
        {
            using var scope = torch.NewDisposeScope();
            long size = Math.Min(evalBatch, n - i);
            sum += loss(test.narrow(0, i, size)) * size;
        }
        return sum / n;
    }

    /// <summary>Scratchgen's Architectures.Mlp: Linear layers with an activation between them, none after the last.</summary>
    public static Sequential Mlp(Func<nn.Module<Tensor, Tensor>> activation, params int[] sizes)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(nn.Linear(sizes[i], sizes[i + 1]));
            if (i + 2 < sizes.Length) layers.Add(activation());
        }
        return nn.Sequential(layers);
    }
}

interface ITrainable
{
    void Step(Tensor x);
    (string Name, double Value) Evaluate(Tensor test, int evalBatch);
}

/// <summary>Autoencoder.cs (MLP): encoder 784-512-128-32, decoder 32-128-512-784, ReLU between layers
/// (none at the 32-wide code), BCE with logits per pixel, Adam 1e-3.</summary>
sealed class Autoencoder : ITrainable
{
    readonly Sequential _encoder = ModelBench.Mlp(() => nn.ReLU(), 784, 512, 128, 32);
    readonly Sequential _decoder = ModelBench.Mlp(() => nn.ReLU(), 32, 128, 512, 784);
    readonly optim.Optimizer _adam;

    public Autoencoder() =>
        _adam = optim.Adam(_encoder.parameters().Concat(_decoder.parameters()), lr: 1e-3);

    Tensor Loss(Tensor x) => F.binary_cross_entropy_with_logits(_decoder.forward(_encoder.forward(x)), x);

    public void Step(Tensor x)
    {
        var loss = Loss(x);
        _adam.zero_grad();
        loss.backward();
        _adam.step();
        _ = loss.item<float>();
    }

    public (string, double) Evaluate(Tensor test, int evalBatch)
    {
        using var _ = torch.no_grad();
        return ("bce", ModelBench.Mean(test, evalBatch, x => Loss(x).item<float>()));
    }
}

/// <summary>Vae.cs (MLP): 784-400 ReLU -> (mu, logvar) 400-20 each, logvar clamped to [-30, 20];
/// decoder 20-400 ReLU 400-784; loss per image = BCE_sum / N + KL / N (nats), Adam 1e-3.</summary>
sealed class Vae : ITrainable
{
    readonly Linear _fc1 = nn.Linear(784, 400), _mu = nn.Linear(400, 20), _logVar = nn.Linear(400, 20);
    readonly Sequential _decoder = ModelBench.Mlp(() => nn.ReLU(), 20, 400, 784);
    readonly optim.Optimizer _adam;

    public Vae() =>
        _adam = optim.Adam(_fc1.parameters().Concat(_mu.parameters()).Concat(_logVar.parameters()).Concat(_decoder.parameters()), lr: 1e-3);

    Tensor NegativeElbo(Tensor x, Generator? noise)
    {
        var h = F.relu(_fc1.forward(x));
        var mu = _mu.forward(h);
        var logVar = _logVar.forward(h).clamp(-30, 20);
        var eps = torch.randn(mu.shape, generator: noise);
        var z = mu + (logVar * 0.5).exp() * eps;
        long n = x.shape[0];
        var reconstruction = F.binary_cross_entropy_with_logits(_decoder.forward(z), x, reduction: nn.Reduction.Sum) / n;
        var kl = (logVar + 1 - mu.square() - logVar.exp()).sum() * -0.5 / n;
        return reconstruction + kl;
    }

    public void Step(Tensor x)
    {
        var loss = NegativeElbo(x, null);
        _adam.zero_grad();
        loss.backward();
        _adam.step();
        _ = loss.item<float>();
    }

    public (string, double) Evaluate(Tensor test, int evalBatch)
    {
        using var _ = torch.no_grad();
        using var noise = new Generator(0); // fixed noise for the held-out ELBO, as Scratchgen's Evaluate
        return ("neg_elbo", ModelBench.Mean(test, evalBatch, x => NegativeElbo(x, noise).item<float>()));
    }
}

/// <summary>GanBase.cs's non-saturating step with Gan.cs's MLPs or Dcgan.cs's conv nets, Adam 2e-4 (0.5, 0.999) each.
///   MLP  G: 100-256-512-1024-784 LeakyReLU(0.2), tanh; D: 784-512-256-1 LeakyReLU(0.2).
///   DCGAN G: Linear 100 -> 128x7x7, BN, ReLU, ConvT 128->64 4/2/1, BN, ReLU, ConvT 64->1 4/2/1, tanh;
///         D: Conv 1->64 4/2/1, LeakyReLU(0.2), Conv 64->128 4/2/1, BN, LeakyReLU(0.2), Flatten, Linear 6272 -> 1;
///         weights N(0, 0.02), batch norm scales N(1, 0.02), biases 0.</summary>
sealed class Gan : ITrainable
{
    const int Latent = 100;
    readonly Sequential _g, _d;
    readonly optim.Optimizer _og, _od;
    readonly bool _dcgan;

    public Gan(bool dcgan)
    {
        _dcgan = dcgan;
        if (dcgan)
        {
            _g = nn.Sequential(
                nn.Linear(Latent, 128 * 7 * 7), nn.Unflatten(1, [128, 7, 7]), nn.BatchNorm2d(128), nn.ReLU(),
                nn.ConvTranspose2d(128, 64, 4, stride: 2, padding: 1), nn.BatchNorm2d(64), nn.ReLU(),
                nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1), nn.Tanh());
            _d = nn.Sequential(
                nn.Conv2d(1, 64, 4, stride: 2, padding: 1), nn.LeakyReLU(0.2),
                nn.Conv2d(64, 128, 4, stride: 2, padding: 1), nn.BatchNorm2d(128), nn.LeakyReLU(0.2),
                nn.Flatten(), nn.Linear(128 * 7 * 7, 1));
            DcganInit(_g);
            DcganInit(_d);
        }
        else
        {
            _g = nn.Sequential(ModelBench.Mlp(() => nn.LeakyReLU(0.2), Latent, 256, 512, 1024, 784), nn.Tanh());
            _d = ModelBench.Mlp(() => nn.LeakyReLU(0.2), 784, 512, 256, 1);
        }
        _og = optim.Adam(_g.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
        _od = optim.Adam(_d.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
    }

    static void DcganInit(nn.Module net)
    {
        using var _ = torch.no_grad();
        foreach (var m in net.modules())
        {
            (Tensor? w, Tensor? b, double mean) = m switch
            {
                Linear l => (l.weight, l.bias, 0.0),
                Conv2d c => (c.weight, c.bias, 0.0),
                ConvTranspose2d t => (t.weight, t.bias, 0.0),
                BatchNorm2d bn => (bn.weight, bn.bias, 1.0),
                _ => (null, null, 0.0),
            };
            if (w is not null) nn.init.normal_(w, mean, 0.02);
            if (b is not null) nn.init.zeros_(b);
        }
    }

    public void Step(Tensor x)
    {
        long n = x.shape[0];
        var ones = torch.ones(n, 1);
        var zeros = torch.zeros(n, 1);
        var fake = _g.forward(torch.randn(n, Latent));
        // As GanBase.CriticOfBoth: a D without batch norm (the MLP) sees real and fake as one batch of 2N;
        // the DCGAN's D (batch norm) two batches, each normalized on its own statistics.
        Tensor realLogits, fakeLogits;
        if (_dcgan)
            (realLogits, fakeLogits) = (_d.forward(x), _d.forward(fake.detach()));
        else
        {
            var both = _d.forward(torch.cat([x.reshape(n, -1), fake.detach().reshape(n, -1)], 0));
            (realLogits, fakeLogits) = (both.narrow(0, 0, n), both.narrow(0, n, n));
        }
        var lossD = F.binary_cross_entropy_with_logits(realLogits, ones)
                  + F.binary_cross_entropy_with_logits(fakeLogits, zeros);
        _od.zero_grad();
        lossD.backward();
        _od.step();

        // As GanBase: D's parameters frozen for G's update (no D weight gradients computed).
        foreach (var p in _d.parameters()) p.requires_grad = false;
        var lossG = F.binary_cross_entropy_with_logits(_d.forward(fake), ones);
        _og.zero_grad();
        _od.zero_grad();
        lossG.backward();
        foreach (var p in _d.parameters()) p.requires_grad = true;
        _og.step();
        _ = lossD.item<float>() + lossG.item<float>();
    }

    public (string, double) Evaluate(Tensor test, int evalBatch)
    {
        using var _ = torch.no_grad();
        _g.eval();
        _d.eval();
        using var noise = new Generator(0);
        double loss = ModelBench.Mean(test, evalBatch, x =>
        {
            long n = x.shape[0];
            var fake = _g.forward(torch.randn([n, Latent], generator: noise));
            return (F.binary_cross_entropy_with_logits(_d.forward(x), torch.ones(n, 1))
                  + F.binary_cross_entropy_with_logits(_d.forward(fake), torch.zeros(n, 1))).item<float>();
        });
        _g.train();
        _d.train();
        return ("loss_d", loss);
    }
}

/// <summary>Forward + backward (dx, dw, db) of the DCGAN's conv layers at batch 64, as
/// src/Scratchgen.Cli/Benchmarks/ConvLayerBenchmark.cs and bench/peers/torch_conv_layers.py time them.</summary>
static class ConvBench
{
    static readonly (string Name, bool Transposed, int Cin, int Cout, int H, int W)[] Layers =
    [
        ("D conv 1->64 on 28x28", false, 1, 64, 28, 28),
        ("D conv 64->128 on 14x14", false, 64, 128, 14, 14),
        ("G conv_transpose 128->64 on 7x7", true, 128, 64, 7, 7),
        ("G conv_transpose 64->1 on 14x14", true, 64, 1, 14, 14),
    ];

    public static void Run(int reps, int batch = 64, int warmup = 3)
    {
        foreach (var (name, transposed, cin, cout, h, w) in Layers)
        {
            using var scope = torch.NewDisposeScope();
            using var g = new Generator(1234);
            var x = torch.randn([batch, cin, h, w], generator: g).requires_grad_();
            long[] wShape = transposed ? [cin, cout, 4, 4] : [cout, cin, 4, 4];
            var weight = (torch.randn(wShape, generator: g) * 0.02).detach().requires_grad_();
            var bias = torch.zeros(cout).requires_grad_();
            Tensor Forward() => transposed
                ? F.conv_transpose2d(x, weight, bias, strides: [2, 2], padding: [1, 1])
                : F.conv2d(x, weight, bias, strides: [2, 2], padding: [1, 1]);
            Tensor dy;
            using (torch.no_grad()) dy = torch.randn(Forward().shape, generator: g);
            var times = new double[reps];
            for (int i = -warmup; i < reps; i++)
            {
                using var step = torch.NewDisposeScope();
                x.grad = null;
                weight.grad = null;
                bias.grad = null;
                long start = Stopwatch.GetTimestamp();
                Forward().backward([dy]);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (i >= 0) times[i] = ms;
            }
            Array.Sort(times);
            Console.WriteLine($"torchsharp conv {name}: median {times[reps / 2]:F2} ms, min {times[0]:F2} ms");
        }
    }
}

/// <summary>torch.mm on square float32 matrices: median of the timed repetitions, 2 n^3 flops each.</summary>
static class SgemmBench
{
    public static void Run(int[] sizes)
    {
        foreach (int n in sizes)
        {
            using var scope = torch.NewDisposeScope();
            var a = torch.randn(n, n);
            var b = torch.randn(n, n);
            double flops = 2.0 * n * n * n;
            int reps = (int)Math.Clamp(2e10 / flops, 5, 200); // ~0.1-0.2 s of work per size at ~130 GFLOPS
            for (int i = 0; i < 3; i++) torch.mm(a, b).Dispose();
            var times = new double[reps];
            for (int i = 0; i < reps; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using var c = torch.mm(a, b); // a fresh result each time, as numpy's a @ b
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            Array.Sort(times);
            double median = times[reps / 2];
            Console.WriteLine($"torchsharp sgemm n={n}: median {median:F3} ms, {flops / (median * 1e6):F1} GFLOPS");
        }
    }
}
