using F = AutoGradNet.Functional;

namespace AutoGradNet.Tests;

/// <summary>
/// The argument checks of the functional API (null inputs, ranges, dtypes), each asserted by exception type, parameter
/// name and message, and boundary values of Embedding's padding index.
/// </summary>
public class FunctionalCheckTests
{
    public static TheoryData<string> NullInputs =>
    [
        "Sigmoid", "Tanh", "Relu", "Softplus", "Softmax", "LogSoftmax", "LogSumExp",
        "Embedding.weight", "Embedding.indices", "SumSquaredError.prediction", "SumSquaredError.target",
        "MseLoss.prediction", "MseLoss.target", "BinaryCrossEntropy.prediction", "BinaryCrossEntropy.target",
        "BinaryCrossEntropyWithLogits.prediction", "BinaryCrossEntropyWithLogits.target",
        "CrossEntropy.logits", "CrossEntropy.targets", "CrossEntropy(int[]).targets", "CrossEntropy(int[]).logits",
    ];

    [Theory]
    [MemberData(nameof(NullInputs))]
    public void A_null_input_throws_ArgumentNullException_naming_the_op_and_the_argument(string which)
    {
        var x = Tensor.FromArray([0.5, 0.25], 1, 2);
        var t = Tensor.FromArray([1.0, 0.0], 1, 2);
        Tensor n = null!;
        Action call = which switch
        {
            "Sigmoid" => () => F.Sigmoid(n), "Tanh" => () => F.Tanh(n), "Relu" => () => F.Relu(n),
            "Softplus" => () => F.Softplus(n), "Softmax" => () => F.Softmax(n), "LogSoftmax" => () => F.LogSoftmax(n),
            "LogSumExp" => () => F.LogSumExp(n),
            "Embedding.weight" => () => F.Embedding(n, Tensor.FromArray(new long[] { 0 }, 1)),
            "Embedding.indices" => () => F.Embedding(x, n),
            "SumSquaredError.prediction" => () => F.SumSquaredError(n, t), "SumSquaredError.target" => () => F.SumSquaredError(x, n),
            "MseLoss.prediction" => () => F.MseLoss(n, t), "MseLoss.target" => () => F.MseLoss(x, n),
            "BinaryCrossEntropy.prediction" => () => F.BinaryCrossEntropy(n, t), "BinaryCrossEntropy.target" => () => F.BinaryCrossEntropy(x, n),
            "BinaryCrossEntropyWithLogits.prediction" => () => F.BinaryCrossEntropyWithLogits(n, t),
            "BinaryCrossEntropyWithLogits.target" => () => F.BinaryCrossEntropyWithLogits(x, n),
            "CrossEntropy.logits" => () => F.CrossEntropy(n, Tensor.FromArray(new long[] { 0 }, 1)),
            "CrossEntropy.targets" => () => F.CrossEntropy(x, (Tensor)null!),
            "CrossEntropy(int[]).targets" => () => F.CrossEntropy(x, (int[])null!),
            "CrossEntropy(int[]).logits" => () => F.CrossEntropy(n, [0]),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
        var e = Should.Throw<ArgumentNullException>(call);
        var op = which.Split('.', '(')[0];
        var argument = which.Contains('.') ? which[(which.LastIndexOf('.') + 1)..] : null;
        if (op is "Softmax" or "LogSoftmax" or "LogSumExp")
        {
            e.ParamName.ShouldBe("x");
            return;
        }
        if (which == "CrossEntropy(int[]).targets")
        {
            e.ParamName.ShouldBe("targets");
            return;
        }
        e.Message.ShouldStartWith($"{op}: the {argument ?? "input"} is null");
        e.ParamName.ShouldBe(argument ?? "input");
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("LogSoftmax")]
    public void Softmax_axis_errors_name_the_op(string op)
    {
        var x = Tensor.Zeros([2, 3]);
        var e = Should.Throw<ArgumentOutOfRangeException>(() => op == "Softmax" ? F.Softmax(x, 2) : F.LogSoftmax(x, -3));
        e.Message.ShouldStartWith($"{op}: axis");
        e.Message.ShouldContain("[2, 3]");
    }

    [Theory]
    [InlineData(new[] { -0.1, 0.5 }, "[-0.1, 0.5]")]
    [InlineData(new[] { 0.5, 1.25 }, "[0.5, 1.25]")]
    [InlineData(new[] { -3.0, -2.0 }, "[-3, -2]")]
    public void BinaryCrossEntropy_rejects_values_outside_0_1_and_names_the_range(double[] p, string range)
    {
        var e = Should.Throw<ArgumentException>(() => F.BinaryCrossEntropy(Tensor.FromArray(p), Tensor.FromArray([1.0, 0.0])));
        e.Message.ShouldStartWith("BinaryCrossEntropy: every input must be a probability in [0, 1]");
        e.Message.ShouldContain($"ranges over {range}");
    }

    [Fact]
    public void BinaryCrossEntropy_accepts_0_and_1_exactly_and_gives_NaN_for_an_empty_batch()
    {
        // −mean[1·ln 1 + 0, 0 + 1·ln(1 − 0)] = 0; the clamped logs (−100) appear only where y disagrees.
        F.BinaryCrossEntropy(Tensor.FromArray([1.0, 0.0]), Tensor.FromArray([1.0, 0.0])).Item().ShouldBe(0.0);
        F.BinaryCrossEntropy(Tensor.FromArray([0.0]), Tensor.FromArray([1.0])).Item().ShouldBe(100.0);
        double.IsNaN(F.BinaryCrossEntropy(Tensor.Zeros([0]), Tensor.Zeros([0])).Item()).ShouldBeTrue();
    }

    [Fact]
    public void CrossEntropy_checks_the_logits_rank_and_the_targets_dtype()
    {
        var rank = Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([3]), Tensor.FromArray(new long[] { 0, 1, 2 }, 3)));
        rank.Message.ShouldStartWith("CrossEntropy: logits must have shape [N, C] or [N, C, d1, ...], got [3]");
        rank.ParamName.ShouldBe("logits");
        var dtype = Should.Throw<ArgumentException>(() => F.CrossEntropy(Tensor.Zeros([2, 3]), Tensor.FromArray([0.0, 1.0])));
        dtype.Message.ShouldStartWith("CrossEntropy: class-probability targets of shape [2] must have the logits' shape [2, 3] (for class indices pass an Int64 tensor)");
        dtype.ParamName.ShouldBe("targets");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-3, 0)] // −count is the first row
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    public void Embedding_padding_row_gets_no_gradient(int paddingIndex, int paddingRow)
    {
        var weight = Tensor.FromArray([1.0, 2, 3, 4, 5, 6], 3, 2).RequireGrad();
        var indices = Tensor.FromArray(new long[] { 0, 2, 1, 0, 2 }, 5);
        var rows = F.Embedding(weight, indices, paddingIndex);
        rows.ToArray().ShouldBe([1.0, 2, 5, 6, 3, 4, 1, 2, 5, 6]); // the padding row still reads its values
        rows.Sum().Backward();
        var counts = new[] { 2.0, 1, 2 };
        counts[paddingRow] = 0;
        weight.Grad!.ToArray().ShouldBe([counts[0], counts[0], counts[1], counts[1], counts[2], counts[2]]);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-4)]
    public void Embedding_padding_index_out_of_range_throws(int paddingIndex)
    {
        var e = Should.Throw<ArgumentOutOfRangeException>(
            () => F.Embedding(Tensor.Zeros([3, 2]), Tensor.FromArray(new long[] { 0 }, 1), paddingIndex));
        e.ParamName.ShouldBe("paddingIndex");
        e.Message.ShouldStartWith($"Embedding: paddingIndex {paddingIndex} is out of range for a weight of 3 rows");
    }
}
