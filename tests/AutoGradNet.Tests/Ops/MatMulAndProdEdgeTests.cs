namespace AutoGradNet.Tests.Ops;

/// <summary>Edge cases of MatMul and Prod found by mutation testing of Ops/MatMulOp.cs and Ops/MoreReductions.cs.</summary>
public class MatMulAndProdEdgeTests
{
    [Fact]
    public void MatMul_of_integer_tensors_is_refused_naming_the_dtype_and_the_shapes()
    {
        var a = Tensor.FromArray([1L, 2, 3, 4, 5, 6], 2, 3);
        var b = Tensor.FromArray([1L, 2, 3], 3, 1);
        Should.Throw<ArgumentException>(() => a.MatMul(b)).Message
            .ShouldBe("MatMul: only floating-point tensors are supported, got Int64 (shapes [2, 3] @ [3, 1]); convert with .To(DType.Float64).");
    }

    [Fact]
    public void Prod_over_several_empty_axes_is_1()
    {
        // The empty product is 1 (as in PyTorch), however many of the reduced axes are empty.
        Tensor.Zeros([0, 0]).Prod().Item().ShouldBe(1.0);
        var r = Tensor.Zeros([2, 0, 0]).Prod([1, 2]);
        r.Shape.ShouldBe(new Shape(2));
        r.ToArray().ShouldBe([1.0, 1.0]);
        Tensor.Zeros([0, 3, 0], DType.Int64).Prod([0, 2], keepDim: true).ToArray<long>().ShouldBe([1L, 1, 1]);
    }
}
