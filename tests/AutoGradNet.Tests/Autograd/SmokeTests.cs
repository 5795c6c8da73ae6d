using AutoGradNet.Verification;

namespace AutoGradNet.Tests.Autograd;

public class SmokeTests
{
    [Fact]
    public void Mul_with_broadcasting_matches_finite_differences()
    {
        var a = TestData.Random(1, [2, 3]);
        var b = TestData.Random(2, [3]);
        var result = GradCheck.Run(x => x[0] * x[1], [a, b]);
        result.Report.ShouldBeEmpty();
        result.Passed.ShouldBeTrue();
    }
}
