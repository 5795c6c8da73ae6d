namespace AutoGradNet.Tests.Ops;

/// <summary>
/// Values and checks that a mutation run showed untested: special exponents, infinities and NaN, large reductions
/// along a strided axis, the scalar and in-place arithmetic forms. References are formulas and hand values.
/// </summary>
public class EdgeValueTests
{
    [Fact]
    public void Pow_with_exponent_0_has_gradient_0_at_x_0()
    {
        // x⁰ = 1 everywhere (PyTorch: 0⁰ = 1), so d/dx = 0, including at 0 where p·x^(p−1) would be 0·∞.
        var x = Tensor.FromArray([0.0, 2.0, -1.5]).RequireGrad();
        var y = x.Pow(0);
        y.ToArray().ShouldBe([1.0, 1, 1]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0.0, 0, 0]);
    }

    [Fact]
    public void Pow_with_a_tensor_exponent_0_has_gradient_0_at_x_0()
    {
        var x = Tensor.FromArray([0.0, 0.0, 3.0]).RequireGrad();
        var p = Tensor.FromArray([0.0, 2.0, 0.0]);
        var y = x.Pow(p);
        y.ToArray().ShouldBe([1.0, 0, 1]);
        y.Sum().Backward();
        x.Grad!.ToArray().ShouldBe([0.0, 0, 0]); // 0·…, 2·0¹, 0·…
    }

    [Fact]
    public void Pow_with_exponent_0_second_derivative_at_x_0_is_0()
    {
        var x = Tensor.FromArray([0.0, 1.0]).RequireGrad();
        var g = AutoGrad.Grad(x.Pow(0).Sum(), [x], createGraph: true)[0];
        var gg = AutoGrad.Grad(g.Sum(), [x], allowUnused: true)[0];
        gg.ToArray().ShouldBe([0.0, 0]);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Log1p_of_infinity_is_infinity_and_of_minus_1_is_minus_infinity(DType dtype)
    {
        var y = Tensor.FromArray([double.PositiveInfinity, -1.0, 0.0, double.NaN, 1e-20]).To(dtype).Log1p().ToArray();
        y[0].ShouldBe(double.PositiveInfinity);
        y[1].ShouldBe(double.NegativeInfinity);
        y[2].ShouldBe(0.0);
        double.IsNaN(y[3]).ShouldBeTrue();
        y[4].ShouldBe(1e-20, 1e-20 * 1e-6);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Sign_keeps_NaN_and_signs_infinities(DType dtype)
    {
        var y = Tensor.FromArray([double.NaN, double.NegativeInfinity, -2.5, 0.0, 3.0, double.PositiveInfinity]).To(dtype).Sign().ToArray();
        double.IsNaN(y[0]).ShouldBeTrue();
        y[1..].ShouldBe([-1.0, -1, 0, 1, 1]);
    }

    [Fact]
    public void Sign_of_Int64_gives_minus_1_0_1()
        => Tensor.FromArray(new long[] { -7, 0, 4 }, 3).Sign().ToArray<long>().ShouldBe([-1L, 0, 1]);

    /// <summary>x[i, j] = (7i + 3j) mod 11 − 5: not constant along either axis, exact in every dtype.</summary>
    private static double Value(int i, int j) => (7 * i + 3 * j) % 11 - 5;

    public static TheoryData<int, int, DType> LargeAxes()
    {
        var data = new TheoryData<int, int, DType>();
        foreach (var rows in new[] { 63, 64, 65, 100, 129, 300, 1000 })
        {
            foreach (var dtype in new[] { DType.Float64, DType.Float32, DType.Int64 }) data.Add(rows, 3, dtype);
        }
        data.Add(257, 1, DType.Float64);
        data.Add(300, 5, DType.Float64);
        return data;
    }

    [Theory]
    [MemberData(nameof(LargeAxes))]
    public void Sum_Max_and_Min_along_a_long_strided_axis_match_a_naive_loop(int rows, int cols, DType dtype)
    {
        var values = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++) values[i * cols + j] = Value(i, j);
        }
        var x = Tensor.FromArray(values, rows, cols).To(dtype);
        var sum = new double[cols];
        var max = new double[cols];
        var min = new double[cols];
        for (var j = 0; j < cols; j++)
        {
            max[j] = double.NegativeInfinity;
            min[j] = double.PositiveInfinity;
            for (var i = 0; i < rows; i++)
            {
                sum[j] += Value(i, j);
                max[j] = Math.Max(max[j], Value(i, j));
                min[j] = Math.Min(min[j], Value(i, j));
            }
        }
        x.Sum(0).ToArray().ShouldBe(sum);
        x.Max(0).ToArray().ShouldBe(max);
        x.Min(0).ToArray().ShouldBe(min);
        // The same reductions through a transposed (non-contiguous) view, reduced along its last axis.
        var t = x.T;
        t.IsContiguous.ShouldBe(cols == 1);
        t.Sum(1).ToArray().ShouldBe(sum);
        t.Max(-1).ToArray().ShouldBe(max);
        t.Min([1]).ToArray().ShouldBe(min);
    }

    [Fact]
    public void Arange_300_reshaped_100_by_3_sums_along_axis_0_to_column_formulas()
    {
        // Σᵢ (3i + j) for i < 100 = 3·4950 + 100·j
        Tensor.Arange(300).Reshape(100, 3).Sum(0).ToArray().ShouldBe([14850.0, 14950, 15050]);
        Tensor.Arange(300).Reshape(100, 3).Mean(0).ToArray().ShouldBe([148.5, 149.5, 150.5]);
    }

    [Fact]
    public void ElementwiseNotEquals_is_true_where_elements_differ_and_for_NaN()
    {
        var a = Tensor.FromArray([1.0, 2, double.NaN, 4]);
        var b = Tensor.FromArray([1.0, 3, double.NaN, 4]);
        a.ElementwiseNotEquals(b).ToArray<bool>().ShouldBe([false, true, true, false]);
        a.ElementwiseEquals(b).ToArray<bool>().ShouldBe([true, false, false, true]);
        // broadcasting, and Int64
        Tensor.FromArray(new long[] { 1, 2, 3 }, 3).ElementwiseNotEquals(Tensor.FromArray(new long[] { 2 }, 1))
            .ToArray<bool>().ShouldBe([true, false, true]);
    }

    [Fact]
    public void Scalar_Add_Sub_Mul_Div_methods_compute_and_differentiate()
    {
        var x = Tensor.FromArray([1.0, -2, 4]).RequireGrad();
        x.Add(0.5).ToArray().ShouldBe([1.5, -1.5, 4.5]);
        x.Sub(0.5).ToArray().ShouldBe([0.5, -2.5, 3.5]);
        x.Mul(-3).ToArray().ShouldBe([-3.0, 6, -12]);
        x.Div(4).ToArray().ShouldBe([0.25, -0.5, 1]);
        // d/dx Σ (x + 0.5) + (x − 0.5) + (−3x) + x/4 = 1 + 1 − 3 + 0.25
        (x.Add(0.5) + x.Sub(0.5) + x.Mul(-3) + x.Div(4)).Sum().Backward();
        x.Grad!.ToArray().ShouldBe([-0.75, -0.75, -0.75]);
        var f = Tensor.FromArray([1.0f, 2f]);
        f.Add(1).DType.ShouldBe(DType.Float32);
        f.Div(2).ToArray().ShouldBe([0.5, 1.0]);
    }

    [Fact]
    public void Compound_division_and_multiplication_assignments_update_in_place()
    {
        var x = Tensor.FromArray([2.0, -6, 9]);
        var view = x.Slice(0, 0, 3, 2);
        var before = x.Version;
        x /= Tensor.FromArray([2.0, 3, -3]);
        x.ToArray().ShouldBe([1.0, -2, -3]);
        view.ToArray().ShouldBe([1.0, -3]); // same storage
        x.Version.ShouldBeGreaterThan(before);
        x /= 2.0;
        x.ToArray().ShouldBe([0.5, -1, -1.5]);
        x *= 4.0;
        x.ToArray().ShouldBe([2.0, -4, -6]);
        x -= 1.0;
        x += Tensor.FromArray([1.0]);
        x.ToArray().ShouldBe([2.0, -4, -6]);
    }

    [Fact]
    public void CopyFrom_writes_the_source_broadcast_and_converted_through_a_view()
    {
        var x = Tensor.Zeros([2, 3]);
        var before = x.Version;
        x.T.CopyFrom(Tensor.FromArray(new long[] { 7, 8 }, 2));
        x.ToArray().ShouldBe([7.0, 7, 7, 8, 8, 8]);
        x.Version.ShouldBeGreaterThan(before);
        var y = Tensor.Zeros([3], DType.Float32);
        y.CopyFrom(Tensor.FromArray([1.5f, -2f, 3f]));
        y.ToArray().ShouldBe([1.5, -2, 3]);
        var p = Tensor.FromArray([1.0, 2]).RequireGrad();
        using (Tensor.NoGrad()) p.CopyFrom(Tensor.FromArray([5.0, 6]));
        p.ToArray().ShouldBe([5.0, 6]);
        p.RequiresGrad.ShouldBeTrue();
    }

    public static TheoryData<string> WhereNulls => ["condition", "ifTrue", "ifFalse", "ifTrue (scalar ifFalse)", "ifFalse (scalar ifTrue)",
        "condition (scalar ifFalse)", "condition (scalar branches)"];

    [Theory]
    [MemberData(nameof(WhereNulls))]
    public void Where_rejects_a_null_operand_naming_it(string which)
    {
        var c = Tensor.FromArray([true, false], 2);
        var a = Tensor.FromArray([1.0, 2]);
        Tensor n = null!;
        Action call = which switch
        {
            "condition" => () => Tensor.Where(n, a, a),
            "ifTrue" => () => Tensor.Where(c, n, a),
            "ifFalse" => () => Tensor.Where(c, a, n),
            "ifTrue (scalar ifFalse)" => () => Tensor.Where(c, n, 0.0),
            "ifFalse (scalar ifTrue)" => () => Tensor.Where(c, 0.0, n),
            "condition (scalar ifFalse)" => () => Tensor.Where(n, a, 0.0),
            _ => () => Tensor.Where(n, 1.0, 0.0),
        };
        var e = Should.Throw<ArgumentNullException>(call);
        // The tensor overload names its branches "true branch"/"false branch", the scalar overloads "ifTrue operand"...
        var argument = which switch
        {
            "ifTrue" => "true branch",
            "ifFalse" => "false branch",
            _ when which.StartsWith("condition", StringComparison.Ordinal) => "condition",
            _ => which.Split(' ')[0] + " operand",
        };
        e.Message.ShouldStartWith($"Where: the {argument} is null");
        e.ParamName.ShouldBe(argument);
    }

    public static TheoryData<string> Float32Unary => ["Exp", "Log", "Log1p", "Sqrt", "Tanh", "Sigmoid", "Softplus", "Sin", "Cos", "Atan",
        "Asin", "Sinh", "Cosh", "Expm1", "Reciprocal", "Rsqrt", "Square", "Abs", "Relu"];

    /// <summary>Float32 results against the formula evaluated in double on the same (float32) inputs: within 1e-6 relative.</summary>
    [Theory]
    [MemberData(nameof(Float32Unary))]
    public void Float32_unary_values_match_the_formula_in_double(string op)
    {
        float[] values = [0.05f, 0.3f, 0.5f, 0.75f, 0.9f, 1.5f, 2.75f];
        var x = Tensor.FromArray(values);
        Func<double, double> f = op switch
        {
            "Exp" => Math.Exp, "Log" => Math.Log, "Log1p" => v => Math.Log(1 + v), "Sqrt" => Math.Sqrt, "Tanh" => Math.Tanh,
            "Sigmoid" => v => 1 / (1 + Math.Exp(-v)), "Softplus" => v => Math.Log(1 + Math.Exp(v)), "Sin" => Math.Sin, "Cos" => Math.Cos,
            "Atan" => Math.Atan, "Asin" => v => Math.Asin(v / 3), "Sinh" => Math.Sinh, "Cosh" => Math.Cosh, "Expm1" => v => Math.Exp(v) - 1,
            "Reciprocal" => v => 1 / v, "Rsqrt" => v => 1 / Math.Sqrt(v), "Square" => v => v * v, "Abs" => v => Math.Abs(-v),
            _ => v => Math.Max(v - 1, 0),
        };
        var y = op switch
        {
            "Exp" => x.Exp(), "Log" => x.Log(), "Log1p" => x.Log1p(), "Sqrt" => x.Sqrt(), "Tanh" => x.Tanh(), "Sigmoid" => x.Sigmoid(),
            "Softplus" => x.Softplus(), "Sin" => x.Sin(), "Cos" => x.Cos(), "Atan" => x.Atan(), "Asin" => (x / 3f).Asin(),
            "Sinh" => x.Sinh(), "Cosh" => x.Cosh(), "Expm1" => x.Expm1(), "Reciprocal" => x.Reciprocal(), "Rsqrt" => x.Rsqrt(),
            "Square" => x.Square(), "Abs" => (-x).Abs(), _ => (x - 1f).Relu(),
        };
        y.DType.ShouldBe(DType.Float32);
        var actual = y.ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var expected = f(values[i]);
            Math.Abs(actual[i] - expected).ShouldBeLessThanOrEqualTo(1e-6 * Math.Abs(expected) + 1e-7, $"{op}({values[i]})");
        }
    }

    [Fact]
    public void Max_and_Min_refuse_Bool_and_empty_axes_naming_the_op()
    {
        var b = Tensor.FromArray([true, false], 2);
        Should.Throw<ArgumentException>(() => b.Max()).Message.ShouldStartWith("Max: not defined for Bool tensors (shape [2])");
        Should.Throw<ArgumentException>(() => b.Max(0)).Message.ShouldStartWith("Max: not defined for Bool tensors");
        Should.Throw<ArgumentException>(() => b.Min()).Message.ShouldStartWith("Min: not defined for Bool tensors");
        var empty = Tensor.Zeros([2, 0]);
        var max = Should.Throw<ArgumentException>(() => empty.Max(1)).Message;
        max.ShouldStartWith("Max: cannot reduce over axis 1 of length 0 (tensor shape [2, 0])");
        max.ShouldEndWith("the maximum of nothing is undefined.");
        var min = Should.Throw<ArgumentException>(() => empty.Min(1)).Message;
        min.ShouldStartWith("Min: cannot reduce over axis 1 of length 0 (tensor shape [2, 0])");
        min.ShouldEndWith("the minimum of nothing is undefined.");
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public void Expm1_of_a_value_whose_exp_rounds_to_1_is_the_value(DType dtype)
    {
        // e^v − 1 ≈ v for |v| far below the epsilon: exp(v) rounds to 1 exactly, and (u − 1)·v/ln u would be 0/0.
        var y = Tensor.FromArray([1e-20, -1e-20, 0.0]).To(dtype).Expm1().ToArray();
        y[0].ShouldBe(dtype == DType.Float32 ? (double)1e-20f : 1e-20);
        y[1].ShouldBe(dtype == DType.Float32 ? (double)-1e-20f : -1e-20);
        y[2].ShouldBe(0.0);
    }

    [Fact]
    public void A_null_operand_of_a_binary_operator_is_named()
    {
        var y = Tensor.FromArray([1.0]);
        Tensor n = null!;
        var left = Should.Throw<ArgumentNullException>(() => n + y);
        left.Message.ShouldStartWith("Add: the left operand is null");
        left.ParamName.ShouldBe("left operand");
        var right = Should.Throw<ArgumentNullException>(() => y * n);
        right.Message.ShouldStartWith("Mul: the right operand is null");
        right.ParamName.ShouldBe("right operand");
    }
}
