using System.Text.RegularExpressions;
using Scratchgen.Diagnostics;
using Scratchgen.Ops;
using Scratchgen.Tensors;

namespace Scratchgen.Tests.Diagnostics;

public sealed partial class GraphvizDotTests
{
    // loss = sum((x @ W) * (x @ W) + c): ops matmul, mul, add, sum (4); leaves x, W, c (3).
    // Edges: matmul 2 + mul 2 (both from matmul) + add 2 + sum 1 = 7.
    private static (Tensor Loss, Tensor X, Tensor W, Tensor C) KnownGraph()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]);
        x.Name = "x";
        var w = Tensor.FromArray([0.5f, -1f, 0.25f, 2f, 1f, 0f], [3, 2]).RequireGrad();
        w.Name = "W";
        var c = Tensor.FromArray([1f, 1f], [2]);
        c.Name = "c";
        var h = x.MatMul(w);
        return (h.Mul(h).Add(c).Sum(), x, w, c);
    }

    [Fact]
    public void Dot_HasOneNodePerOpAndLeaf_AndOneEdgePerOpInput()
    {
        var (loss, _, _, _) = KnownGraph();
        string dot = GraphvizDot.Write(loss);

        var nodes = NodeLine().Matches(dot).Select(m => (Id: m.Groups[1].Value, Label: m.Groups[2].Value)).ToList();
        var edges = EdgeLine().Matches(dot).Select(m => (From: m.Groups[1].Value, To: m.Groups[2].Value)).ToList();
        Assert.Equal(4 + 3, nodes.Count);
        Assert.Equal(nodes.Count, nodes.Select(n => n.Id).Distinct().Count());
        Assert.Equal(7, edges.Count);
        var ids = nodes.Select(n => n.Id).ToHashSet();
        Assert.All(edges, e => Assert.True(ids.Contains(e.From) && ids.Contains(e.To), $"edge {e.From} -> {e.To} names an undeclared node"));

        string Id(string labelStart) => nodes.Single(n => n.Label.StartsWith(labelStart, StringComparison.Ordinal)).Id;
        string matmul = Id("matmul"), mul = Id("mul"), add = Id("add"), sum = Id("sum");
        Assert.Equal(2, edges.Count(e => e.From == matmul && e.To == mul)); // h used twice by mul
        Assert.Contains((Id("x "), matmul), edges);
        Assert.Contains((Id("W "), matmul), edges);
        Assert.Contains((Id("c "), add), edges);
        Assert.Contains((mul, add), edges);
        Assert.Contains((add, sum), edges);
        Assert.DoesNotContain(edges, e => e.From == sum); // the loss feeds nothing
    }

    [Fact]
    public void Dot_IsWellFormed_DigraphWithBalancedBracesAndQuotes()
    {
        var (loss, _, _, _) = KnownGraph();
        string dot = GraphvizDot.Write(loss, graphName: "my \"loss\"");
        var lines = dot.TrimEnd().Split('\n');
        Assert.StartsWith("digraph \"my \\\"loss\\\"\" {", lines[0]);
        Assert.Equal("}", lines[^1]);
        Assert.Equal(dot.Count(ch => ch == '{'), dot.Count(ch => ch == '}'));
        foreach (var line in lines[1..^1])
        {
            Assert.EndsWith(";", line.TrimEnd());
            Assert.Equal(0, Regex.Replace(line, "\\\\.", "").Count(ch => ch == '"') % 2);
        }
        Assert.Contains("peripheries=2", lines.Single(l => l.Contains("label=\"sum", StringComparison.Ordinal)));
    }

    [Fact]
    public void Dot_OfALeaf_IsOneNodeAndNoEdges()
    {
        var x = Tensor.FromArray([1f], [1]);
        string dot = GraphvizDot.Write(x);
        Assert.Single(NodeLine().Matches(dot));
        Assert.Empty(EdgeLine().Matches(dot));
    }

    [GeneratedRegex("^\\s*(\\w+) \\[.*label=\"([^\"]*)\"\\];$", RegexOptions.Multiline)]
    private static partial Regex NodeLine();

    [GeneratedRegex("^\\s*(\\w+) -> (\\w+)( \\[label=\"\\d+\"\\])?;$", RegexOptions.Multiline)]
    private static partial Regex EdgeLine();
}

/// <summary>Skips, with the reason, unless Graphviz's dot is on PATH (CI installs no Graphviz).</summary>
public sealed class GraphvizFactAttribute : FactAttribute
{
    public GraphvizFactAttribute()
    {
        if (Graphviz.FindDot() == null) Skip = "Graphviz's dot is not on PATH (apt-get install graphviz to run this test)";
    }
}

public sealed class GraphvizRenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("scratchgen-dot-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GraphvizFact]
    public void Dot_RendersToSvg_WithEveryNodeLabel()
    {
        var x = Tensor.FromArray([1f, 2f], [2]).RequireGrad();
        x.Name = "x";
        string dotFile = Path.Combine(_dir, "g.dot"), svgFile = Path.Combine(_dir, "g.svg");
        File.WriteAllText(dotFile, GraphvizDot.Write(x.Tanh().Sum()));
        Graphviz.RenderSvg(Graphviz.FindDot()!, dotFile, svgFile);
        string svg = File.ReadAllText(svgFile);
        Assert.Contains("<svg", svg);
        foreach (var label in new[] { "x (2)", "tanh", "sum" }) Assert.Contains(label, svg);
    }

    [GraphvizFact]
    public void Render_ReportsDotsOwnError()
    {
        string dotFile = Path.Combine(_dir, "bad.dot");
        File.WriteAllText(dotFile, "digraph { a -> ");
        var ex = Assert.Throws<InvalidOperationException>(() => Graphviz.RenderSvg(Graphviz.FindDot()!, dotFile, Path.Combine(_dir, "bad.svg")));
        Assert.Contains("bad.dot", ex.Message);
    }
}
