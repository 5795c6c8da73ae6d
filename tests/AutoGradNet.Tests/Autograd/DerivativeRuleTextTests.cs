using System.Text.RegularExpressions;
using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Autograd;

/// <summary>The derivative rules shown by <see cref="Node.Rule"/> in chain-rule traces and graph exports are complete sentences.</summary>
public partial class DerivativeRuleTextTests
{
    [GeneratedRegex(@"^[yY]\S* = .+;  .+  \(.+\)$")]
    private static partial Regex RuleShape();

    [Fact]
    public void Every_primitive_rule_gives_the_forward_the_derivative_and_the_gradient_per_input()
    {
        var names = Primitives.Names();
        foreach (var name in names)
        {
            var rule = DerivativeRules.For(name).ShouldNotBeNull(name);
            RuleShape().IsMatch(rule).ShouldBeTrue($"{name}: '{rule}' is not 'y = forward;  derivative  (input: gradient)'");
        }
        names.Select(DerivativeRules.For).Distinct().Count().ShouldBe(names.Distinct().Count(), "two primitives share a rule");
    }
}
