using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AutoGradNet.Tests;

/// <summary>
/// README.md and docs/getting-started.md tell a new user how to use the library from their own
/// project, and why that project needs C# 14. The language-version claim is checked by compiling
/// the same update with C# 13 and C# 14.
/// </summary>
public sealed class ConsumerProjectTests
{
    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/getting-started.md")]
    public void Doc_says_how_to_reference_the_library_and_which_language_version_it_needs(string doc)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), doc));
        text.ShouldContain("dotnet new console -n MyNet");
        text.ShouldContain("cd MyNet");
        text.ShouldContain("dotnet add reference ../AutoGradNet/src/AutoGradNet/AutoGradNet.csproj");
        text.ShouldContain("dotnet run");
        text.ShouldContain("C# 14");
        text.ShouldContain("SubInPlace(lr * ");
        File.Exists(Path.Combine(RepoRoot(), "src/AutoGradNet/AutoGradNet.csproj")).ShouldBeTrue();
    }

    /// <summary>
    /// <c>p -= lr * p.Grad!</c> on a local copy of a parameter: C# 14 calls the library's in-place
    /// operator, C# 13 compiles it, without a diagnostic, as <c>p = p - ...</c> and the parameter is
    /// left unchanged. <c>SubInPlace</c> updates it in both.
    /// </summary>
    [Theory]
    [InlineData(LanguageVersion.CSharp13, "p -= 0.5 * p.Grad!;", 1.0)]
    [InlineData(LanguageVersion.CSharp14, "p -= 0.5 * p.Grad!;", 0.0)]
    [InlineData(LanguageVersion.CSharp13, "p.SubInPlace(0.5 * p.Grad!);", 0.0)]
    [InlineData(LanguageVersion.CSharp14, "p.SubInPlace(0.5 * p.Grad!);", 0.0)]
    public void Update_of_a_parameter_through_a_local(LanguageVersion version, string update, double expected)
    {
        var code = $$"""
            using AutoGradNet;
            public static class Probe
            {
                public static double Run()
                {
                    var w = Tensor.Scalar(1.0).RequireGrad();
                    Tensor[] parameters = [w];
                    (w * w).Backward(); // dw = 2w = 2
                    using (Tensor.NoGrad())
                    {
                        for (var i = 0; i < parameters.Length; i++)
                        {
                            var p = parameters[i];
                            {{update}}
                        }
                    }
                    return w.Item();
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            $"LangVersionProbe{Guid.NewGuid():N}",
            [CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(version))],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary).WithNullableContextOptions(NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ShouldBeEmpty();
        result.Success.ShouldBeTrue();

        var context = new AssemblyLoadContext("LangVersionProbe", isCollectible: true);
        try
        {
            image.Position = 0;
            var run = context.LoadFromStream(image).GetType("Probe")!.GetMethod("Run")!;
            ((double)run.Invoke(null, null)!).ShouldBe(expected);
        }
        finally
        {
            context.Unload();
        }
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var library = typeof(Tensor).Assembly.Location;
        paths[Path.GetFileNameWithoutExtension(library)] = library;
        var trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "";
        foreach (var path in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            paths.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        return [.. paths.Values.Select(p => MetadataReference.CreateFromFile(p))];
    });

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoGradNet.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No AutoGradNet.sln above {AppContext.BaseDirectory}.");
    }
}
