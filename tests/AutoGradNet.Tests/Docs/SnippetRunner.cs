using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoGradNet.Tests;

/// <summary>
/// Compiles C# from the docs in memory with Roslyn and runs it in this process with the console
/// captured. A snippet is compiled as a console program with top-level statements and the settings
/// of the repo's own projects (C# 14, nullable enabled, the implicit usings, warnings as errors), so
/// a snippet that passes here also builds when pasted into a project. Compiling in memory instead of
/// running <c>dotnet build</c> per snippet keeps a snippet to a fraction of a second once Roslyn is warm.
/// </summary>
internal static class SnippetRunner
{
    /// <summary>A piece of a program: its code and where it starts in the doc, for <c>#line</c>.</summary>
    public sealed record Part(string Code, string Path, int FirstLine);

    /// <summary>What a program printed, and how it ended.</summary>
    public sealed record Run(string Output, string Error, int ExitCode, Exception? Exception);

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading", "System.Threading.Tasks"];

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp14);

    private static readonly SyntaxTree GlobalUsings = CSharpSyntaxTree.ParseText(
        string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")), ParseOptions, path: "GlobalUsings.g.cs");

    private static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.ConsoleApplication)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Error)
            .WithOptimizationLevel(OptimizationLevel.Debug);

    /// <summary>
    /// Every assembly the test host trusts (the BCL and the test's dependencies) plus AutoGradNet,
    /// one per simple name. Built once: reading ~200 assemblies' metadata is the slow part.
    /// </summary>
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var library = typeof(Tensor).Assembly.Location;
        paths[Path.GetFileNameWithoutExtension(library)] = library;
        var trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        return [.. paths.Values.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>
    /// Compiles the parts, in order, as one program. <c>#line</c> directives map every diagnostic to
    /// the doc and line it comes from. Adds <c>using AutoGradNet;</c> when the code lacks it, as the
    /// docs say their snippets assume. Returns the assembly image, or null and the diagnostics.
    /// </summary>
    public static byte[]? Compile(IReadOnlyList<Part> parts, out string diagnostics)
    {
        var code = new System.Text.StringBuilder();
        if (!parts.Any(p => p.Code.Contains("using AutoGradNet;", StringComparison.Ordinal)))
            code.Append("using AutoGradNet;\n");
        foreach (var part in parts)
            code.Append(CultureInfo.InvariantCulture, $"#line {part.FirstLine} \"{part.Path}\"\n").Append(part.Code).Append('\n');

        var program = CSharpSyntaxTree.ParseText(code.ToString(), ParseOptions, path: "Program.cs");
        var compilation = CSharpCompilation.Create(
            $"DocSnippet{Guid.NewGuid():N}", [GlobalUsings, program], References.Value, CompilationOptions);
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        diagnostics = string.Join('\n', result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString()));
        return result.Success ? image.ToArray() : null;
    }

    /// <summary>
    /// Loads a compiled program into its own collectible load context (so nothing stays loaded
    /// after the test), runs it and captures what it prints.
    /// </summary>
    public static Run Execute(byte[] image, params string[] args)
    {
        var context = new AssemblyLoadContext("DocSnippet", isCollectible: true);
        try
        {
            using var stream = new MemoryStream(image);
            var entryPoint = context.LoadFromStream(stream).EntryPoint
                ?? throw new InvalidOperationException("The compiled snippet has no entry point.");
            return Execute(entryPoint, args);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// Invokes a program's entry point with <paramref name="args"/>, with <see cref="Console.Out"/>
    /// and <see cref="Console.Error"/> redirected to strings and the invariant culture (the repo's
    /// projects set InvariantGlobalization). The console is process-wide, so callers must not run
    /// in parallel with anything that writes to it; both writers are restored afterwards.
    /// </summary>
    public static Run Execute(MethodInfo entryPoint, params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (oldCulture, oldUiCulture) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(output);
        Console.SetError(error);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        try
        {
            var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [args]);
            return new Run(output.ToString(), error.ToString(), result is int code ? code : 0, null);
        }
        catch (TargetInvocationException e)
        {
            return new Run(output.ToString(), error.ToString(), -1, e.InnerException ?? e);
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            CultureInfo.CurrentCulture = oldCulture;
            CultureInfo.CurrentUICulture = oldUiCulture;
        }
    }
}
