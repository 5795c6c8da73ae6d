namespace AutoGradNet.Tests.Reference;

/// <summary>The committed PyTorch reference file loads and is self-consistent (the op tests compare against it).</summary>
public class TorchReferenceFileTests
{
    private static readonly string[] s_dtypes = ["float64", "float32", "int64", "bool"];

    public static TheoryData<string> CaseNames => [.. TorchReference.File.Cases.Select(c => c.Name)];

    [Fact]
    public void The_file_loads_with_its_torch_version_generator_and_cases()
    {
        var file = TorchReference.File;
        file.TorchVersion.ShouldNotBeNullOrWhiteSpace();
        file.Generator.ShouldEndWith("generate_torch_reference.py");
        file.Cases.Length.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void Case_names_are_unique()
    {
        var duplicates = TorchReference.File.Cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        duplicates.ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Every_tensor_of_a_case_has_data_matching_its_shape(string name)
    {
        var c = TorchReference.Case(name);
        c.Op.ShouldNotBeNullOrWhiteSpace();
        c.Attrs.ShouldNotBeNull();
        c.Inputs.ShouldNotBeEmpty();
        c.Outputs.ShouldNotBeEmpty();

        foreach (var t in c.Inputs.Concat(c.Outputs))
        {
            ShouldBeConsistent(t, name);
        }

        c.Grads.Length.ShouldBe(c.Inputs.Length, $"{name}: one grad entry per input");
        if (c.GradOutput is null)
        {
            c.Grads.ShouldAllBe(g => g == null, $"{name}: no grad_output, so no grads");
            return;
        }

        ShouldBeConsistent(c.GradOutput, name);
        c.GradOutput.Shape.ShouldBe(c.Outputs[0].Shape, $"{name}: grad_output has the shape of outputs[0]");
        c.Outputs[0].DType.ShouldBeOneOf(["float64", "float32"], $"{name}: only a float output is differentiated");
        c.GradOutput.DType.ShouldBe(c.Outputs[0].DType, $"{name}: grad_output has the dtype of outputs[0]");
        for (var i = 0; i < c.Inputs.Length; i++)
        {
            var grad = c.Grads[i];
            (grad is not null).ShouldBe(c.Inputs[i].RequiresGrad, $"{name}: input {i} has a grad exactly when it requires grad");
            if (grad is null) continue;
            ShouldBeConsistent(grad, name);
            grad.Shape.ShouldBe(c.Inputs[i].Shape, $"{name}: grad {i} has the shape of input {i}");
            c.Inputs[i].DType.ShouldBeOneOf(["float64", "float32"], $"{name}: only float inputs require grad");
            grad.DType.ShouldBe(c.Inputs[i].DType, $"{name}: grad {i} has the dtype of input {i}");
        }
    }

    [Fact]
    public void Case_throws_a_KeyNotFoundException_naming_a_missing_case()
    {
        var ex = Should.Throw<KeyNotFoundException>(() => TorchReference.Case("no_such_case"));
        ex.Message.ShouldContain("no_such_case");
    }

    [Fact]
    public void Cases_by_op_returns_every_case_of_that_op()
    {
        var sin = TorchReference.Cases("sin");
        sin.Select(c => c.Name).ShouldBe(["sin_2d", "sin_3d"]);
        TorchReference.Cases("no_such_op").ShouldBeEmpty();
    }

    [Fact]
    public void ToTensor_builds_a_float64_tensor_with_the_shape_data_and_requires_grad()
    {
        var input = TorchReference.Case("sin_2d").Inputs[0];
        var tensor = input.ToTensor();
        tensor.Shape.ToArray().ShouldBe([3, 4]);
        tensor.ToArray().ShouldBe(input.Data);
        tensor.RequiresGrad.ShouldBeTrue();
        TorchReference.Case("sin_2d").Outputs[0].ToTensor().RequiresGrad.ShouldBeFalse();
    }

    [Fact]
    public void ToTensor_rejects_integer_tensors_whose_data_stays_readable()
    {
        var index = TorchReference.Case("gather_dim1").Inputs[1];
        index.DType.ShouldBe("int64");
        Should.Throw<NotSupportedException>(() => index.ToTensor());
        index.ToInt64().ShouldBe([3L, 0, 1, 1, 0, 2]);
    }

    [Fact]
    public void Named_floating_point_literals_are_read_as_NaN_and_infinities()
    {
        var max = TorchReference.Case("max_all_nan");
        double.IsNaN(max.Inputs[0].Data[1]).ShouldBeTrue();
        double.IsNaN(max.Outputs[0].Data[0]).ShouldBeTrue();
        TorchReference.Case("sort_ascending_nan").Outputs[0].Data[0].ShouldBe(double.NegativeInfinity);
        TorchReference.Case("masked_fill_neginf").DoubleAttr("value").ShouldBe(double.NegativeInfinity);
        TorchReference.Case("vector_norm_inf_all").DoubleAttr("ord").ShouldBe(double.PositiveInfinity);
    }

    [Fact]
    public void Attributes_are_readable()
    {
        var topk = TorchReference.Case("topk_largest_k2");
        topk.IntAttr("k").ShouldBe(2);
        topk.BoolAttr("largest").ShouldBeTrue();
        TorchReference.Case("roll_dims_0_1").IntArrayAttr("shifts").ShouldBe([1, -2]);
        TorchReference.Case("roll_flat").IntArrayAttr("dims").ShouldBeNull();
        TorchReference.Case("prod_all").NullableIntAttr("dim").ShouldBeNull();
        TorchReference.Case("result_type_int64_float32").StringAttr("a").ShouldBe("int64");
    }

    [Theory]
    [InlineData("int64", "float32", "float32")]
    [InlineData("int64", "float64", "float64")]
    [InlineData("bool", "int64", "int64")]
    [InlineData("bool", "float32", "float32")]
    [InlineData("float32", "float64", "float64")]
    public void Result_type_cases_record_the_promoted_dtype(string a, string b, string expected)
    {
        var c = TorchReference.Case($"result_type_{a}_{b}");
        c.Op.ShouldBe("result_type");
        c.Outputs[0].DType.ShouldBe(expected);
        c.Outputs[0].Data.ShouldBeEmpty();
    }

    private static void ShouldBeConsistent(TorchTensor t, string name)
    {
        t.Shape.ShouldNotBeNull($"{name}: shape");
        t.Data.ShouldNotBeNull($"{name}: data");
        t.Shape.ShouldAllBe(d => d >= 0, $"{name}: dims are non-negative");
        t.Data.Length.ShouldBe(t.Size, $"{name}: data length is the product of shape [{string.Join(", ", t.Shape)}]");
        s_dtypes.ShouldContain(t.DType, $"{name}: dtype");
        if (t.DType is "int64" or "bool")
        {
            t.Data.ShouldAllBe(v => v == Math.Floor(v), $"{name}: {t.DType} data is integral");
        }
        if (t.DType == "bool")
        {
            t.Data.ShouldAllBe(v => v == 0 || v == 1, $"{name}: bool data is 0/1");
        }
    }
}
