using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using AutoGradNet.Autograd;

namespace AutoGradNet.Export;

/// <summary>What <see cref="GraphExport.ToDot"/> puts in the labels.</summary>
public sealed record DotOptions
{
    /// <summary>Label leaves that require grad with these names (e.g. <c>W1</c>) instead of <c>leaf</c>; matched by reference.</summary>
    public IReadOnlyDictionary<Tensor, string>? Names { get; init; }

    /// <summary>Show the values of the leaves and of the output (intermediate values are not kept by the graph).</summary>
    public bool ShowValues { get; init; }

    /// <summary>
    /// Run a backward pass (nothing is accumulated into <see cref="Tensor.Grad"/>; the graph is kept) and show ∂L/∂ at
    /// each op's output and at each leaf. Needs a single-element output.
    /// </summary>
    public bool ShowGradients { get; init; }

    /// <summary>Draw constant inputs (tensors that do not require grad) as dashed boxes; on by default.</summary>
    public bool ShowConstants { get; init; } = true;

    /// <summary>Tensors with more elements are abbreviated to their first and last values.</summary>
    public int MaxElements { get; init; } = 6;
}

/// <summary>
/// Exports the recorded graph of a tensor as Graphviz DOT, and renders DOT to SVG with the <c>dot</c> program.
/// </summary>
public static class GraphExport
{
    /// <summary>
    /// The graph that produced <paramref name="output"/> in Graphviz DOT: one ellipse per recorded op labelled with its
    /// name and output shape (the output's op drawn bold), one blue box per leaf that requires grad, a dashed grey box
    /// per constant input, and edges in the direction data flows (input → op), numbered by input position when an op
    /// has several. Labels are escaped, so the text is valid DOT for any names.
    /// </summary>
    /// <param name="output">The tensor whose graph to export; a leaf gives a one-node graph.</param>
    /// <param name="options">What to show; defaults to ops, shapes, leaves and constants.</param>
    /// <exception cref="InvalidOperationException"><see cref="DotOptions.ShowGradients"/> is set and the output is not a single element or does not require grad.</exception>
    public static string ToDot(Tensor output, DotOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new DotOptions();
        var ops = new List<(Node Node, Shape Shape)>();
        var opIds = new Dictionary<Node, string>(ReferenceEqualityComparer.Instance);
        var leaves = new List<Tensor>();
        var leafIds = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        if (output.GradFn is { } root)
        {
            opIds[root] = "n0";
            ops.Add((root, output.Shape));
            for (var k = 0; k < ops.Count; k++) // breadth first over the graph, each node once
            {
                foreach (var edge in ops[k].Node.Edges)
                {
                    if (edge.Node is { } next && !opIds.ContainsKey(next))
                    {
                        opIds[next] = $"n{ops.Count}";
                        ops.Add((next, edge.Shape));
                    }
                    else if (edge.Leaf is { } leaf && !leafIds.ContainsKey(leaf))
                    {
                        leafIds[leaf] = $"l{leaves.Count}";
                        leaves.Add(leaf);
                    }
                }
            }
        }
        else
        {
            leafIds[output] = "l0";
            leaves.Add(output);
        }

        var (opGrads, leafGrads) = options.ShowGradients ? Gradients(output, leaves) : (null, null);
        var dot = new StringBuilder();
        dot.Append("digraph autograd {\n");
        dot.Append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        dot.Append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (var i = 0; i < leaves.Count; i++)
        {
            var leaf = leaves[i];
            var label = new StringBuilder(options.Names?.GetValueOrDefault(leaf) ?? (leaf.RequiresGrad ? "leaf" : "tensor"));
            label.Append('\n').Append(leaf.Shape);
            if (options.ShowValues) label.Append("\nvalue ").Append(Abbreviate(leaf, options.MaxElements));
            if (leafGrads?.GetValueOrDefault(leaf) is { } g) label.Append("\ngrad ").Append(Abbreviate(g, options.MaxElements));
            var isOutput = ReferenceEquals(leaf, output) ? ", penwidth=2" : "";
            dot.Append($"  l{i} [label=\"{Escape(label.ToString())}\", shape=box, style=filled, fillcolor=\"#dbe9f6\"{isOutput}];\n");
        }
        var constants = 0;
        var edges = new StringBuilder();
        for (var k = 0; k < ops.Count; k++)
        {
            var (node, shape) = ops[k];
            var label = new StringBuilder(node.OpName).Append('\n').Append(shape);
            if (k == 0 && options.ShowValues) label.Append("\nvalue ").Append(Abbreviate(output, options.MaxElements));
            if (opGrads?.GetValueOrDefault(node) is { } g) label.Append("\ngrad ").Append(Abbreviate(g, options.MaxElements));
            var isOutput = k == 0 ? ", penwidth=2" : "";
            dot.Append($"  n{k} [label=\"{Escape(label.ToString())}\", shape=ellipse{isOutput}];\n");
            var edgeList = node.Edges;
            for (var i = 0; i < edgeList.Length; i++)
            {
                var edge = edgeList[i];
                string source;
                if (edge.Node is { } next) source = opIds[next];
                else if (edge.Leaf is { } leaf) source = leafIds[leaf];
                else if (options.ShowConstants)
                {
                    source = $"c{constants++}";
                    dot.Append($"  {source} [label=\"{Escape($"const\n{edge.Shape}")}\", shape=box, style=dashed, color=gray50, fontcolor=gray40];\n");
                }
                else continue;
                var position = edgeList.Length > 1 ? $" [label=\"{i}\"]" : "";
                edges.Append($"  {source} -> n{k}{position};\n");
            }
        }
        dot.Append(edges).Append("}\n");
        return dot.ToString();
    }

    /// <summary>Whether the Graphviz <c>dot</c> program can be started (it is on the PATH).</summary>
    public static bool IsDotAvailable => DotAvailable.Value;

    private static readonly Lazy<bool> DotAvailable = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dot", "-V") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null) return false;
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    });

    /// <summary>
    /// Renders DOT text (from <see cref="ToDot"/>) to an SVG file by running Graphviz's <c>dot -Tsvg</c>. The file is
    /// written only when <c>dot</c> succeeds.
    /// </summary>
    /// <param name="dot">The graph in DOT.</param>
    /// <param name="path">The SVG file to write.</param>
    /// <exception cref="InvalidOperationException"><c>dot</c> is not installed, or it rejected the input (its message is included).</exception>
    public static void RenderSvg(string dot, string path)
    {
        ArgumentNullException.ThrowIfNull(dot);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!IsDotAvailable)
        {
            throw new InvalidOperationException(
                "GraphExport.RenderSvg: the Graphviz 'dot' program was not found on the PATH. Install Graphviz (e.g. `apt-get install graphviz`, " +
                "`brew install graphviz`, `winget install graphviz`), or paste the DOT text into an online Graphviz viewer.");
        }
        var start = new ProcessStartInfo("dot", "-Tsvg")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dot);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"GraphExport.RenderSvg: dot exited with code {process.ExitCode}: {stderr.Result.Trim()}");
        File.WriteAllText(path, stdout.Result, new UTF8Encoding(false));
    }

    /// <summary>∂L/∂(each op's output) and ∂L/∂(each leaf), from one traced backward that accumulates nothing.</summary>
    private static (Dictionary<Node, Tensor>?, Dictionary<Tensor, Tensor>?) Gradients(Tensor output, List<Tensor> leaves)
    {
        var seed = output.SeedGradient(null, "GraphExport.ToDot (ShowGradients)");
        var opGrads = new Dictionary<Node, Tensor>(ReferenceEqualityComparer.Instance);
        var leafGrads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        var requested = leaves.Where(l => l.RequiresGrad).ToArray();
        var results = Engine.Run(output, seed, retainGraph: true, createGraph: false, requested, (node, g) => opGrads[node] = g);
        for (var i = 0; i < requested.Length; i++)
        {
            if (results![i] is { } g) leafGrads[requested[i]] = g;
        }
        return (opGrads, leafGrads);
    }

    /// <summary>Values in one line: all of them up to <paramref name="max"/>, else the first and last few and the count.</summary>
    internal static string Abbreviate(Tensor t, int max)
    {
        var values = t.ConvertedTo(DType.Float64).ToArray();
        static string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
        if (values.Length <= Math.Max(max, 2)) return "[" + string.Join(", ", values.Select(F)) + "]";
        var head = Math.Max(1, max / 2);
        var tail = Math.Max(1, max - head);
        return "[" + string.Join(", ", values.Take(head).Select(F)) + ", …, " + string.Join(", ", values.TakeLast(tail).Select(F)) + $"] ({values.Length} values)";
    }

    /// <summary>Escapes text for a double-quoted DOT string; line breaks become DOT's centred <c>\n</c>.</summary>
    internal static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal)
         .Replace("\"", "\\\"", StringComparison.Ordinal)
         .Replace("\r", "", StringComparison.Ordinal)
         .Replace("\n", "\\n", StringComparison.Ordinal);
}
