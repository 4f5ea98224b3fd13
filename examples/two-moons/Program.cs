using Scratchgen.Imaging;
using Scratchgen.Nn;
using Scratchgen.Ops;
using Scratchgen.Optim;
using Scratchgen.Tensors;

// Two interleaved half-moons, a 2-32-32-1 MLP trained on them with Adam and binary cross-entropy,
// then the decision boundary: every pixel of the picture classified by the network.
const int N = 400, Side = 240;
var rng = new Rng(7);
var points = new float[N * 2];
var labels = new float[N];
for (int i = 0; i < N; i++)
{
    int c = i % 2;                                          // upper moon: 0, lower moon: 1
    double t = Math.PI * rng.NextDouble();
    points[2 * i] = (float)(c == 0 ? Math.Cos(t) : 1 - Math.Cos(t)) + 0.1f * (float)rng.NextNormal();
    points[2 * i + 1] = (float)(c == 0 ? Math.Sin(t) : 0.5 - Math.Sin(t)) + 0.1f * (float)rng.NextNormal();
    labels[i] = c;
}
var x = Tensor.FromArray(points, [N, 2]);
var y = Tensor.FromArray(labels, [N, 1]);

var net = new Sequential(new Linear(2, 32, rng), new Tanh(), new Linear(32, 32, rng), new Tanh(), new Linear(32, 1, rng));
var adam = new Adam(net.Parameters(), learningRate: 0.01);
for (int step = 1; step <= 600; step++)
{
    adam.ZeroGrad();
    var loss = Loss.BceWithLogits(net.Forward(x), y);      // one full batch
    loss.Backward();
    adam.Step();
    if (step % 200 == 0) Console.WriteLine($"step {step}: loss {loss.Item():F4}");
}

var logits = net.Forward(x).ToArray();
double accuracy = Enumerable.Range(0, N).Count(i => logits[i] > 0 == labels[i] > 0.5f) / (double)N;
Console.WriteLine($"training accuracy {accuracy:P1}");

// The picture spans x in [-1.5, 2.5], y in [-1.25, 1.75]: classify every pixel's centre in one batch.
static (double X, double Y) ToPlane(int px, int py) => (-1.5 + 4.0 * (px + 0.5) / Side, 1.75 - 3.0 * (py + 0.5) / Side);
var grid = new float[Side * Side * 2];
for (int py = 0; py < Side; py++)
    for (int px = 0; px < Side; px++)
        (grid[2 * (py * Side + px)], grid[2 * (py * Side + px) + 1]) = ((float)ToPlane(px, py).X, (float)ToPlane(px, py).Y);
var p = net.Forward(Tensor.FromArray(grid, [Side * Side, 2])).Sigmoid().ToArray();
var picture = new Raster(Side, Side);
Rgb Blend(float t) => new((byte)(255 - 90 * t), (byte)(200 - 40 * Math.Abs(2 * t - 1)), (byte)(165 + 90 * t));
for (int py = 0; py < Side; py++)
    for (int px = 0; px < Side; px++)
        picture[px, py] = Math.Abs(p[py * Side + px] - 0.5f) < 0.02f ? Rgb.Black : Blend(p[py * Side + px]);
for (int i = 0; i < N; i++)                                 // the data, as 3x3 dots in the moons' colours
{
    int cx = (int)((points[2 * i] + 1.5) / 4.0 * Side), cy = (int)((1.75 - points[2 * i + 1]) / 3.0 * Side);
    picture.FillRect(cx - 1, cy - 1, 3, 3, labels[i] > 0.5f ? Rgb.Series[0] : Rgb.Series[1]);
}
Directory.CreateDirectory("out");
ImageFiles.SavePng(picture.Upscale(2), "out/decision-boundary.png", Provenance.Real(new Dictionary<string, string> { ["example"] = "two-moons" }));
Console.WriteLine("wrote out/decision-boundary.png");
return accuracy >= 0.97 ? 0 : 1;                            // the example checks itself: the moons are separable
