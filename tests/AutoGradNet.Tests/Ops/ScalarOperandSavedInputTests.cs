namespace AutoGradNet.Tests.Ops;

/// <summary>
/// A C# number operand: x + c, c + x, x − c, c − x, x·c, c·x and x / c have derivatives that do not depend on x, so
/// (as in PyTorch) they save nothing, and writing x in place after the forward leaves their backward valid. c / x does
/// depend on x: it saves x, and the in-place write is reported when the backward runs.
/// </summary>
public class ScalarOperandSavedInputTests
{
    public static TheoryData<string> FormsThatSaveNothing() => ["x + c", "c + x", "x - c", "c - x", "x * c", "c * x", "x / c"];

    private static Tensor Apply(string form, Tensor x, double c) => form switch
    {
        "x + c" => x + c,
        "c + x" => c + x,
        "x - c" => x - c,
        "c - x" => c - x,
        "x * c" => x * c,
        "c * x" => c * x,
        "x / c" => x / c,
        "c / x" => c / x,
        _ => throw new ArgumentOutOfRangeException(nameof(form)),
    };

    /// <summary>The derivative of each form with respect to x, by hand.</summary>
    private static double Derivative(string form, double x, double c) => form switch
    {
        "x + c" or "c + x" or "x - c" => 1,
        "c - x" => -1,
        "x * c" or "c * x" => c,
        "x / c" => 1 / c,
        _ => -c / (x * x),
    };

    [Theory]
    [MemberData(nameof(FormsThatSaveNothing))]
    public void Writing_the_input_in_place_after_the_forward_leaves_the_backward_valid(string form)
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var x = Tensor.FromArray([1.5, -2.0, 0.25], 3).To(dtype).Detach().RequireGrad();
            var y = Apply(form, x, 4.0);
            using (Tensor.NoGrad()) x.AddInPlace(Tensor.Ones([3], dtype)); // bumps x's version
            y.Sum().Backward();
            x.Grad!.ToArray().ShouldBe(Enumerable.Repeat(Derivative(form, 0, 4.0), 3).ToArray(), $"{form} {dtype}");
        }
    }

    [Fact]
    public void A_number_divided_by_the_input_saves_the_input_and_reports_an_in_place_write()
    {
        var x = Tensor.FromArray([1.5, -2.0, 0.25], 3).RequireGrad();
        var y = 4.0 / x;
        y.Sum().Backward(retainGraph: true);
        x.Grad!.ToArray().ShouldBe([Derivative("c / x", 1.5, 4), Derivative("c / x", -2.0, 4), Derivative("c / x", 0.25, 4)], 1e-15);
        using (Tensor.NoGrad()) x.AddInPlace(Tensor.Ones([3]));
        Should.Throw<InvalidOperationException>(() => y.Sum().Backward()).Message.ShouldContain("was modified by an in-place operation");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (Tensor Y, WeakReference H) ProductWithAConstant(Tensor x, Tensor m, bool hFirst)
    {
        var h = x * 2.0; // saves nothing: only the product below could keep h alive
        return (hFirst ? h * m : m * h, new WeakReference(h));
    }

    [Fact]
    public void A_product_keeps_only_the_operand_the_needed_gradient_reads()
    {
        // h · m with a constant m: h's gradient is g·m, so m is kept and h is not (as in PyTorch, which saves an operand
        // only for the other's gradient). The same with the operands swapped.
        foreach (var hFirst in new[] { true, false })
        {
            var x = Tensor.FromArray([1.5, -2.0, 0.25]).RequireGrad();
            var m = Tensor.FromArray([2.0, 0.0, -1.0]);
            var (y, h) = ProductWithAConstant(x, m, hFirst);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            h.IsAlive.ShouldBeFalse(hFirst ? "h * m kept h" : "m * h kept h");
            y.Sum().Backward();
            x.Grad!.ToArray().ShouldBe([4.0, 0.0, -2.0]);
        }
    }

    [Fact]
    public void AllClose_names_a_null_other()
    {
        var e = Should.Throw<ArgumentNullException>(() => Tensor.FromArray([1.0]).AllClose(null!));
        e.ParamName.ShouldBe("other");
        e.Message.ShouldStartWith("AllClose: the other is null");
    }
}
