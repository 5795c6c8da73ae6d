using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace AutoGradNet.Tests;

/// <summary>
/// Runs the doc tests one at a time and apart from every other test: they redirect
/// <see cref="Console.Out"/>, which is process-wide.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DocsCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Docs";
}

/// <summary>
/// Proves that the docs show output the code really prints. In README.md, docs/autograd.md,
/// docs/getting-started.md and docs/custom-functions.md every <c>```csharp</c> block is followed by a <c>```text</c> block with
/// what it prints: each snippet is compiled and run (<see cref="SnippetRunner"/>) and its output must
/// equal that block, apart from line endings and a trailing newline. getting-started.md's snippets
/// are one program, so they run together and are compared with all its output blocks in a row. A
/// <c>```sh</c> block <c>dotnet run --project examples/NAME [-- args]</c> followed by a <c>```text</c>
/// block is run in process through the example's entry point (the test project references it) and
/// compared line by line, where a line <c>...</c> in the doc stands for one or more elided lines.
/// </summary>
[Collection(DocsCollection.Name)]
public sealed partial class DocsTests
{
    private static readonly string[] DocPaths = ["README.md", "docs/autograd.md", "docs/getting-started.md", "docs/custom-functions.md", "docs/tensors.md", "docs/verifying-gradients.md", "docs/nn.md", "docs/performance.md"];

    /// <summary>The docs whose snippets are one program, in order, rather than a program each.</summary>
    private static readonly string[] OneProgramDocs = ["docs/getting-started.md"];

    /// <summary>An output line that stands for one or more lines left out of the doc.</summary>
    private const string Elision = "...";

    /// <summary>A fenced block: its doc, the line of its opening fence (1-based), language and text.</summary>
    private sealed record Block(string Doc, int Line, string Language, string Text)
    {
        public string Where => $"{Doc}:{Line}";
    }

    private sealed record SnippetCase(IReadOnlyList<Block> Snippets, IReadOnlyList<Block> Outputs);

    private sealed record ExampleCase(string Project, string[] Args, Block Output);

    [GeneratedRegex(@"^dotnet run --project examples/(?<name>[\w.-]+)(?: -- (?<args>.*))?$")]
    private static partial Regex ExampleCommand();

    private static readonly Lazy<IReadOnlyList<Block>> Blocks = new(() => [.. DocPaths.SelectMany(ReadBlocks)]);

    private static readonly Lazy<Dictionary<string, SnippetCase>> Snippets = new(BuildSnippetCases);

    private static readonly Lazy<Dictionary<string, ExampleCase>> Examples = new(BuildExampleCases);

    /// <summary>One case per snippet (per program for getting-started.md), named by doc, line and first line.</summary>
    public static TheoryData<string> SnippetCases => [.. Snippets.Value.Keys];

    /// <summary>One case per example command whose output a doc shows.</summary>
    public static TheoryData<string> ExampleCases => [.. Examples.Value.Keys];

    [Theory]
    [MemberData(nameof(SnippetCases))]
    public void Snippet_prints_the_output_shown_after_it(string name)
    {
        var (snippets, outputs) = Snippets.Value[name];
        var parts = snippets.Select(b => new SnippetRunner.Part(b.Text, b.Doc, b.Line + 1)).ToList();
        var image = SnippetRunner.Compile(parts, out var diagnostics);
        if (image is null)
            Assert.Fail($"{snippets[0].Where}: the snippet does not compile:\n{diagnostics}");

        var run = SnippetRunner.Execute(image);
        if (run.Exception is not null)
            Assert.Fail($"{snippets[0].Where}: the snippet threw after printing:\n{run.Output}\n{run.Exception}");

        var expected = Normalize(string.Concat(outputs.Select(o => o.Text)));
        var actual = Normalize(run.Output);
        var (want, got) = (expected.Split('\n'), actual.Split('\n'));
        if (want.Length == got.Length && want.Zip(got).All(p => SameLine(p.First, p.Second))) return;

        // Point at the output block that holds the first differing line.
        var line = Enumerable.Range(0, Math.Max(want.Length, got.Length))
            .First(i => i >= want.Length || i >= got.Length || !SameLine(want[i], got[i]));
        var (block, start) = (outputs[0], 0);
        foreach (var output in outputs)
        {
            var count = output.Text.Count(c => c == '\n');
            if (line < start + count) { block = output; break; }
            start += count;
        }
        Assert.Fail(
            $"{block.Where}: the output block differs from what the snippet at {snippets[0].Where} prints, " +
            $"first at line {line + 1} of the output ({block.Doc}:{block.Line + 1 + line - start}):\n" +
            $"  doc:    {(line < want.Length ? want[line] : "<no more lines>")}\n" +
            $"  prints: {(line < got.Length ? got[line] : "<no more lines>")}\n" +
            $"--- the snippet prints ---\n{actual}\n--- the doc shows ---\n{expected}");
    }

    [Theory]
    [MemberData(nameof(ExampleCases))]
    public void Example_prints_the_output_shown(string name)
    {
        var (project, args, output) = Examples.Value[name];
        Assembly example;
        try
        {
            example = Assembly.Load(new AssemblyName(project));
        }
        catch (FileNotFoundException)
        {
            Assert.Fail($"{output.Where}: the doc shows examples/{project}'s output; add a ProjectReference to it in the test project.");
            throw;
        }

        var run = SnippetRunner.Execute(example.EntryPoint!, args);
        var actual = Normalize(run.Output);
        if (run.Exception is not null || run.ExitCode != 0)
            Assert.Fail($"{name}: exited with {run.ExitCode}:\n{actual}\n{run.Error}{run.Exception}");

        var expected = Normalize(output.Text);
        if (!MatchesWithElisions(expected.Split('\n'), 0, actual.Split('\n'), 0))
            Assert.Fail(
                $"{output.Where}: the output block differs from what {name} prints " +
                $"(a line \"{Elision}\" stands for one or more elided lines):\n" +
                $"--- the example prints ---\n{actual}\n--- the doc shows ---\n{expected}");
    }

    /// <summary>Every output block is checked by one of the tests above, and every snippet has one.</summary>
    [Fact]
    public void Every_output_block_follows_a_snippet_or_an_example_command()
    {
        var problems = new List<string>();
        var blocks = Blocks.Value;
        for (var i = 0; i < blocks.Count; i++)
        {
            var next = i + 1 < blocks.Count && blocks[i + 1].Doc == blocks[i].Doc ? blocks[i + 1] : null;
            if (blocks[i].Language == "csharp" && next?.Language != "text")
                problems.Add($"{blocks[i].Where}: a ```csharp block without a ```text block after it");
            var previous = i > 0 && blocks[i - 1].Doc == blocks[i].Doc ? blocks[i - 1] : null;
            if (blocks[i].Language == "text" && previous?.Language != "csharp" && !IsExampleCommand(previous))
                problems.Add($"{blocks[i].Where}: a ```text block after neither a ```csharp block nor `dotnet run --project examples/...`");
        }
        problems.ShouldBeEmpty();
        Snippets.Value.Count.ShouldBeGreaterThan(0);
        Examples.Value.Count.ShouldBeGreaterThan(0);
    }

    /// <summary>The comparison can fail: a wrong output line, or an elision that hides nothing, does not match.</summary>
    [Fact]
    public void A_wrong_output_does_not_match()
    {
        var image = SnippetRunner.Compile([new SnippetRunner.Part("Console.WriteLine(Tensor.Scalar(2.0));", "test", 1)], out var diagnostics);
        image.ShouldNotBeNull(diagnostics);
        var printed = Normalize(SnippetRunner.Execute(image).Output);
        printed.ShouldBe("tensor(2., shape=[])");
        printed.ShouldNotBe(Normalize("tensor(3., shape=[])\n"));

        string[] got = ["a", "b", "c", "d"];
        MatchesWithElisions(["a", Elision, "d"], 0, got, 0).ShouldBeTrue();
        MatchesWithElisions(["a", Elision, "c", "d"], 0, got, 0).ShouldBeTrue();
        MatchesWithElisions(["a", Elision, "x"], 0, got, 0).ShouldBeFalse();
        MatchesWithElisions(["a", "b", Elision, "c", "d"], 0, got, 0).ShouldBeFalse(); // "..." hides at least one line
        MatchesWithElisions(["a", "b", "c"], 0, got, 0).ShouldBeFalse();

        SameLine("max |difference| = 3.578e-18", "max |difference| = 2.494e-18").ShouldBeTrue();
        SameLine("max error=3.7e-10", "max error=3.7e-09").ShouldBeFalse(); // 3.7e-09 is not negligible
        SameLine("loss 1.0000e-03", "loss 1.0001e-03").ShouldBeFalse();
    }

    /// <summary>True if <paramref name="got"/> equals <paramref name="want"/> where each "..." line of
    /// <paramref name="want"/> stands for one or more lines of <paramref name="got"/>.</summary>
    private static bool MatchesWithElisions(string[] want, int w, string[] got, int g)
    {
        for (; w < want.Length && want[w] != Elision; w++, g++)
        {
            if (g >= got.Length || !SameLine(want[w], got[g])) return false;
        }
        if (w == want.Length) return g == got.Length;
        for (var resume = g + 1; resume <= got.Length; resume++)
        {
            if (MatchesWithElisions(want, w + 1, got, resume)) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a printed line matches the doc's. Lines must be equal, except that numbers in scientific notation
    /// at rounding-error level (|v| ≤ 1e-9: a gradient difference, a finite-difference error) only need to be
    /// negligible in both: their digits depend on the machine's SIMD width and summation order.
    /// </summary>
    private static bool SameLine(string want, string got) =>
        want == got || MaskNegligible(want) == MaskNegligible(got);

    private static string MaskNegligible(string line) => ScientificNumber().Replace(line, m =>
        double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && Math.Abs(v) <= 1e-9 ? "<negligible>" : m.Value);

    [GeneratedRegex(@"-?\d+(?:\.\d+)?e[-+]\d+", RegexOptions.IgnoreCase)]
    private static partial Regex ScientificNumber();

    /// <summary>Line endings as \n and no trailing newline: the only differences the comparison forgives.</summary>
    private static string Normalize(string text)
    {
        text = text.ReplaceLineEndings("\n");
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static bool IsExampleCommand(Block? block) =>
        block is { Language: "sh" } && ExampleCommand().IsMatch(block.Text.TrimEnd('\n'));

    private static Dictionary<string, SnippetCase> BuildSnippetCases()
    {
        var cases = new Dictionary<string, SnippetCase>();
        foreach (var doc in DocPaths)
        {
            var blocks = Blocks.Value.Where(b => b.Doc == doc).ToList();
            var pairs = blocks.Zip(blocks.Skip(1)).Where(p => p.First.Language == "csharp" && p.Second.Language == "text").ToList();
            if (OneProgramDocs.Contains(doc))
            {
                if (pairs.Count > 0)
                    cases[$"{doc}: its {pairs.Count} snippets as one program"] =
                        new SnippetCase([.. pairs.Select(p => p.First)], [.. pairs.Select(p => p.Second)]);
                continue;
            }
            for (var i = 0; i < pairs.Count; i++)
            {
                var (snippet, output) = pairs[i];
                var first = snippet.Text.Split('\n').First(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal));
                cases[$"{snippet.Where} #{i + 1}: {(first.Length > 60 ? first[..57] + "..." : first)}"] = new SnippetCase([snippet], [output]);
            }
        }
        return cases;
    }

    private static Dictionary<string, ExampleCase> BuildExampleCases()
    {
        var cases = new Dictionary<string, ExampleCase>();
        var blocks = Blocks.Value;
        for (var i = 0; i + 1 < blocks.Count; i++)
        {
            var (command, output) = (blocks[i], blocks[i + 1]);
            if (output.Language != "text" || output.Doc != command.Doc || !IsExampleCommand(command)) continue;
            var match = ExampleCommand().Match(command.Text.TrimEnd('\n'));
            var args = match.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var project = match.Groups["name"].Value;
            cases[$"{command.Where}: {project} {string.Join(' ', args)}".TrimEnd()] = new ExampleCase(project, args, output);
        }
        return cases;
    }

    /// <summary>
    /// The fenced blocks of a Markdown file, in order. A block may be indented (inside a list item);
    /// its lines lose the fence's indentation. Each text ends with a newline.
    /// </summary>
    private static IEnumerable<Block> ReadBlocks(string doc)
    {
        var lines = File.ReadAllText(Path.Combine(RepoRoot.Value, doc)).ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart(' ');
            if (!trimmed.StartsWith("```", StringComparison.Ordinal)) continue;
            var (indent, open, text) = (lines[i].Length - trimmed.Length, i, new StringBuilder());
            for (i++; i < lines.Length && lines[i].Trim() != "```"; i++)
            {
                var line = lines[i];
                var strip = Math.Min(indent, line.Length - line.TrimStart(' ').Length);
                text.Append(line.AsSpan(strip)).Append('\n');
            }
            yield return new Block(doc, open + 1, trimmed[3..].Trim(), text.ToString());
        }
    }

    /// <summary>The folder holding AutoGradNet.sln, found by walking up from the test's output folder.</summary>
    private static readonly Lazy<string> RepoRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoGradNet.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No AutoGradNet.sln above {AppContext.BaseDirectory}.");
    });
}
