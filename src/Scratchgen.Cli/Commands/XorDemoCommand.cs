using System.ComponentModel;
using Scratchgen.Cli.Help;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Ops;
using Scratchgen.Tensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// XOR with a 2-8-1 MLP: h = tanh(x W1^T + b1), p = x W2^T + b2 (a logit), loss = BCE with logits.
/// Plain gradient descent written out in full, so a reader sees the whole loop: forward, Backward(),
/// update under NoGrad, ZeroGrad.
/// </summary>
internal sealed class XorDemoCommand : Command<XorDemoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--steps"), Description("Gradient steps.")]
        [DefaultValue(2000)]
        public int Steps { get; init; }

        [CommandOption("--lr"), Description("Learning rate.")]
        [DefaultValue(0.5)]
        public double LearningRate { get; init; }

        [CommandOption("--seed"), Description("Seed of the weight initialisation.")]
        [DefaultValue(1UL)]
        public ulong Seed { get; init; }

        [CommandOption("--backend <NAME>"), GeneratedDescription(nameof(OptionHelp.Backend))]
        [DefaultValue("cpu")]
        public string Backend { get; init; } = "cpu";

        public override ValidationResult Validate() =>
            Steps < 1 ? ValidationResult.Error("--steps must be at least 1")
            : LearningRate <= 0 ? ValidationResult.Error("--lr must be positive")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);
        var rng = new Rng(s.Seed);
        var x = Tensor.FromArray([0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], [4, 2], backend);
        var y = Tensor.FromArray([0f, 1f, 1f, 0f], [4, 1], backend);
        var w1 = Tensor.RandN([8, 2], rng, std: 1.0, backend: backend).RequireGrad();
        var b1 = Tensor.Zeros([8], backend: backend).RequireGrad();
        var w2 = Tensor.RandN([1, 8], rng, std: 0.5, backend: backend).RequireGrad();
        var b2 = Tensor.Zeros([1], backend: backend).RequireGrad();
        Tensor[] parameters = [w1, b1, w2, b2];

        var table = new Table().AddColumns("step", "loss (BCE)");
        double loss = double.NaN;
        for (int step = 1; step <= s.Steps; step++)
        {
            var logits = x.Linear(w1, b1).Tanh().Linear(w2, b2);
            var l = Loss.BceWithLogits(logits, y);
            loss = l.Item();
            l.Backward();
            using (GradMode.NoGrad())
            {
                foreach (var p in parameters) p.AddInPlace(p.Grad!.Mul(-s.LearningRate));
            }
            foreach (var p in parameters) p.ZeroGrad();
            if (step == 1 || step % Math.Max(1, s.Steps / 10) == 0) table.AddRow(step.ToString(), loss.ToString("F5"));
        }
        AnsiConsole.Write(table);

        float[] probabilities;
        using (GradMode.NoGrad()) probabilities = x.Linear(w1, b1).Tanh().Linear(w2, b2).Sigmoid().ToArray();
        var result = new Table().AddColumns("x1", "x2", "target", "p(1)");
        for (int i = 0; i < 4; i++)
            result.AddRow($"{i / 2}", $"{i % 2}", $"{(i == 1 || i == 2 ? 1 : 0)}", probabilities[i].ToString("F3"));
        AnsiConsole.Write(result);
        bool learned = probabilities.Select((p, i) => (p > 0.5f) == (i == 1 || i == 2)).All(ok => ok);
        AnsiConsole.MarkupLine(learned ? "[green]XOR learned.[/]" : $"[red]XOR not learned after {s.Steps} steps (loss {loss:F4}).[/]");
        return learned ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
