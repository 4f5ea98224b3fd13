using System.ComponentModel;
using Scratchgen.Autograd;
using Scratchgen.Backends;
using Scratchgen.Diagnostics;
using Scratchgen.Tensors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Scratchgen.Cli.Commands;

/// <summary>
/// Runs the op catalog (the same cases the test suite uses). With the default --backend reference it
/// checks each op's backward against central finite differences in float64; with another backend it
/// compares that backend's forward and backward against the Reference backend.
/// </summary>
internal sealed class GradCheckCommand : Command<GradCheckCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--op <NAME>"), Description("Only ops whose name contains NAME (e.g. tanh, matmul).")]
        public string? Op { get; init; }

        [CommandOption("--backend <NAME>"), Description("reference: finite differences; cpu: compare the cpu kernels to reference.")]
        [DefaultValue("reference")]
        public string Backend { get; init; } = "reference";

        [CommandOption("--second-order"), Description("Also check gradients of gradients where the op supports it.")]
        public bool SecondOrder { get; init; }
    }

    public override int Execute(CommandContext context, Settings s, CancellationToken cancellation)
    {
        var backend = Scratchgen.Backends.Backend.FromName(s.Backend);
        var cases = OpCatalog.All.Where(c => s.Op == null || c.Name.Contains(s.Op, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
            throw new ArgumentException($"--op '{s.Op}' matches no op; known ops: {string.Join(", ", OpCatalog.All.Select(c => c.Name))}");
        bool ok = backend == Scratchgen.Backends.Backend.Reference ? FiniteDifferences(cases, s.SecondOrder) : Compare(cases, backend);
        AnsiConsole.MarkupLine(ok ? "[green]all passed[/]" : "[red]some checks failed[/]");
        return ok ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private static bool FiniteDifferences(List<OpCase> cases, bool secondOrder)
    {
        var table = new Table().AddColumns("op", "shapes", "input", "elements", "max abs error", "max rel error", "result");
        bool ok = true;
        foreach (var c in cases)
        {
            for (int set = 0; set < c.Shapes.Length; set++)
            {
                if (c.Shapes[set].Sum(sh => Shapes.Numel(sh)) > OpCatalog.GradCheckMaxElements) continue;
                var inputs = c.MakeInputs(set, 1234, DType.Float64, Scratchgen.Backends.Backend.Reference);
                foreach (var r in GradCheck.Run(c.F, inputs)) ok &= AddRow(table, c.Name, c.Shapes[set], r);
                if (secondOrder && c.SecondOrder)
                {
                    try
                    {
                        GradCheck.AssertSecondOrder(c.F, inputs);
                        table.AddRow(c.Name + " (2nd order)", ShapesText(c.Shapes[set]), "all", "", "", "", "[green]pass[/]");
                    }
                    catch (GradCheckException ex)
                    {
                        ok = false;
                        table.AddRow(c.Name + " (2nd order)", ShapesText(c.Shapes[set]), "", "", "", "", "[red]FAIL[/] " + Markup.Escape(ex.Message));
                    }
                }
            }
        }
        AnsiConsole.Write(table);
        return ok;
    }

    private static bool AddRow(Table table, string op, int[][] shapes, GradCheckReport r)
    {
        table.AddRow(op, ShapesText(shapes), r.Input.ToString(), r.Elements.ToString(), r.MaxAbsError.ToString("E1"), r.MaxRelError.ToString("E1"),
            r.Passed ? "[green]pass[/]" : "[red]FAIL[/]");
        return r.Passed;
    }

    private static bool Compare(List<OpCase> cases, IBackend backend)
    {
        const double Atol = 2e-5, Rtol = 2e-4; // the tolerance of the backend parity tests
        var table = new Table().AddColumns("op", "shapes", "tensor", "max abs diff vs reference", "max rel diff", "result");
        bool ok = true;
        foreach (var c in cases)
        {
            for (int set = 0; set < c.Shapes.Length; set++)
            {
                var inputs = c.MakeInputs(set, 4321, DType.Float32, backend);
                var (y, grads) = c.Evaluate(inputs);
                var (yRef, gradsRef) = c.Evaluate(inputs.Select(t => t.Detach().To(Scratchgen.Backends.Backend.Reference, DType.Float64)).ToArray());
                var rows = new List<(string Name, double[] Got, double[] Want)> { ("output", y, yRef) };
                rows.AddRange(grads.Select((g, i) => ($"grad {i}", g, gradsRef[i])));
                foreach (var (name, got, want) in rows)
                {
                    double maxDiff = 0, maxRel = 0;
                    bool pass = true;
                    for (int j = 0; j < got.Length; j++)
                    {
                        double d = Math.Abs(got[j] - want[j]);
                        maxDiff = Math.Max(maxDiff, d);
                        maxRel = Math.Max(maxRel, d / Math.Max(Math.Abs(want[j]), 1e-8)); // as GradCheck: relative to the reference
                        pass &= d <= Atol + Rtol * Math.Abs(want[j]);
                    }
                    ok &= pass;
                    table.AddRow(c.Name, ShapesText(c.Shapes[set]), name, maxDiff.ToString("E1"), maxRel.ToString("E1"), pass ? "[green]pass[/]" : "[red]FAIL[/]");
                }
            }
        }
        AnsiConsole.Write(table);
        return ok;
    }

    private static string ShapesText(int[][] shapes) => string.Join(" ", shapes.Select(sh => Shapes.Format(sh)));
}
