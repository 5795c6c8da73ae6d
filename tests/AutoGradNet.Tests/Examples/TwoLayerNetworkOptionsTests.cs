using System.Reflection;

namespace AutoGradNet.Tests;

/// <summary>
/// The command-line options of examples/TwoLayerNetwork: numbers are read with the invariant culture
/// and no thousands separators, out-of-range values are rejected before training, and every rejection
/// names the option and the value on stderr and exits with code 2. The example runs in process through
/// its entry point, as in <see cref="DocsTests"/>, so these tests share the docs' collection: they
/// redirect the process-wide console.
/// </summary>
[Collection(DocsCollection.Name)]
public sealed class TwoLayerNetworkOptionsTests
{
    private static readonly Lazy<MethodInfo> EntryPoint = new(() =>
        Assembly.Load(new AssemblyName("TwoLayerNetwork")).EntryPoint
        ?? throw new InvalidOperationException("TwoLayerNetwork has no entry point."));

    private static SnippetRunner.Run Run(params string[] args) => SnippetRunner.Execute(EntryPoint.Value, args);

    /// <summary>Exit code 2, nothing on stdout, and an error on stderr that quotes the option and the value.</summary>
    private static void ShouldBeRejected(SnippetRunner.Run run, string option, string value)
    {
        run.Exception.ShouldBeNull();
        run.ExitCode.ShouldBe(2, $"stdout:\n{run.Output}\nstderr:\n{run.Error}");
        run.Output.ShouldBeEmpty();
        var firstLine = run.Error.ReplaceLineEndings("\n").Split('\n')[0];
        firstLine.ShouldStartWith("error: ");
        firstLine.ShouldContain(option);
        firstLine.ShouldContain($"'{value}'");
        run.Error.ShouldContain("usage: TwoLayerNetwork");
    }

    [Fact]
    public void Lr_with_a_comma_is_rejected_not_read_as_fifteen()
    {
        var run = Run("--lr", "1,5", "--iterations", "1");
        run.Output.ShouldNotContain("learning rate 15");
        ShouldBeRejected(run, "--lr", "1,5");
    }

    [Theory]
    [InlineData("1,000.5")]
    [InlineData("1_000")]
    [InlineData("0x10")]
    [InlineData("1.5.2")]
    [InlineData("abc")]
    [InlineData("")]
    public void Lr_that_is_not_a_plain_number_is_rejected(string value) =>
        ShouldBeRejected(Run("--lr", value), "--lr", value);

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e309")] // overflows to infinity
    public void Lr_that_is_not_finite_is_rejected(string value)
    {
        var run = Run("--lr", value);
        ShouldBeRejected(run, "--lr", value);
        run.Error.ShouldContain("finite");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-1")]
    [InlineData("-1e-3")]
    public void Lr_that_is_not_positive_is_rejected(string value)
    {
        var run = Run("--lr", value);
        ShouldBeRejected(run, "--lr", value);
        run.Error.ShouldContain("greater than 0");
    }

    [Theory]
    [InlineData("0.5", "0.5")]
    [InlineData("5e-1", "0.5")]
    [InlineData(".5", "0.5")]
    [InlineData("+2", "2")]
    [InlineData("1E2", "100")]
    public void Lr_in_plain_invariant_notation_is_accepted(string value, string shown)
    {
        var run = Run("--lr", value, "--iterations", "1");
        run.Exception.ShouldBeNull();
        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        run.Output.ShouldContain($"learning rate {shown}, 1 iterations");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    public void Iterations_below_one_are_rejected(string value)
    {
        var run = Run("--iterations", value);
        ShouldBeRejected(run, "--iterations", value);
        run.Error.ShouldContain("at least 1");
    }

    [Theory]
    [InlineData("1,000")]
    [InlineData("1.5")]
    [InlineData("1e3")]
    [InlineData("99999999999")] // does not fit in an int
    [InlineData("ten")]
    public void Iterations_that_are_not_a_whole_number_are_rejected(string value) =>
        ShouldBeRejected(Run("--iterations", value), "--iterations", value);

    [Theory]
    [InlineData("-3")] // new Random(-3) draws the same numbers as new Random(3)
    [InlineData("1,5")]
    [InlineData("2.0")]
    [InlineData("99999999999")]
    [InlineData("seven")]
    public void Seed_that_is_not_a_whole_number_from_zero_is_rejected(string value) =>
        ShouldBeRejected(Run("--seed", value), "--seed", value);

    [Fact]
    public void Seed_zero_and_one_iteration_are_accepted()
    {
        var run = Run("--seed", "0", "--iterations", "1");
        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain("seed 0, learning rate 1, 1 iterations");
    }

    [Theory]
    [InlineData("--lr")]
    [InlineData("--iterations")]
    [InlineData("--seed")]
    [InlineData("--targets")]
    public void Option_without_a_value_is_rejected(string option)
    {
        var run = Run(option);
        run.ExitCode.ShouldBe(2);
        run.Output.ShouldBeEmpty();
        run.Error.ShouldStartWith($"error: {option} needs a value");
    }

    [Fact]
    public void Unknown_option_or_target_is_rejected()
    {
        foreach (var (args, named) in new[] { (new[] { "--targets", "c" }, "c"), (["--verbose"], "--verbose") })
        {
            var run = Run(args);
            run.ExitCode.ShouldBe(2);
            run.Output.ShouldBeEmpty();
            run.Error.ShouldStartWith("error: ");
            run.Error.ShouldContain(named);
        }
    }

    /// <summary>
    /// A huge learning rate does not make the loss NaN: the first step drives every sigmoid into
    /// saturation, where the gradients are exactly 0, so training stalls at a high loss but finishes,
    /// and the gradient check still holds. The run succeeds; the printout shows the poor loss.
    /// </summary>
    [Fact]
    public void Huge_learning_rate_stalls_training_but_the_run_succeeds()
    {
        var run = Run("--lr", "1e300", "--iterations", "10");
        run.Exception.ShouldBeNull();
        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        run.Output.ShouldContain("final loss 1.000000");
    }
}
