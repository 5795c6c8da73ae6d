using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using AutoGradNet.Autograd;
using AutoGradNet.Ops;

namespace AutoGradNet.Tests;

/// <summary>
/// docs/autograd.md promises a table with every primitive's derivative. This finds every primitive in the library by
/// reflection (each node class in <c>AutoGradNet.Ops</c>, each elementwise function struct, each view spec) and
/// checks that its node name (<c>NameBackward</c>) has a row, so a new primitive cannot land without one.
/// </summary>
public sealed partial class DerivativeTableTests
{
    [GeneratedRegex(@"\(`(?<name>\w+)Backward`(?:, `(?<more>\w+)Backward`)*\)")]
    private static partial Regex NodeNames();

    [Fact]
    public void Every_primitive_has_a_row_in_the_derivative_table()
    {
        var documented = DocumentedNodeNames();
        var missing = Primitives.Names().Where(name => !documented.Contains(name)).ToList();
        missing.ShouldBeEmpty($"primitives without a row in docs/autograd.md's derivative table: {string.Join(", ", missing)}");
    }

    [Fact]
    public void The_primitive_list_is_found_by_reflection()
    {
        // Guards the reflection above: if it found nothing (a rename of the interfaces, say), the test would pass vacuously.
        var names = Primitives.Names();
        names.ShouldContain("Add");        // a binary function struct
        names.ShouldContain("Sin");        // a unary function struct
        names.ShouldContain("MatMul");     // a node class
        names.ShouldContain("Diagonal");   // a view spec
        names.ShouldContain("SliceScatter");
        names.Count.ShouldBeGreaterThan(50);
    }

    private static HashSet<string> DocumentedNodeNames()
    {
        var doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "autograd.md"));
        var start = doc.IndexOf("## The primitives and their derivatives", StringComparison.Ordinal);
        var end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var table = doc[start..end];
        var names = new HashSet<string>();
        foreach (Match m in NodeNames().Matches(table))
        {
            names.Add(m.Groups["name"].Value);
            foreach (Capture c in m.Groups["more"].Captures) names.Add(c.Value);
        }
        return names;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutoGradNet.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("AutoGradNet.sln not found above the test binaries.");
    }
}
