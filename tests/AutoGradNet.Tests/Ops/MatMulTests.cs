using static AutoGradNet.Tests.TestData;

namespace AutoGradNet.Tests.Ops;

/// <summary>MatMul in every form numpy defines: forward against a triple loop, backward against finite differences.</summary>
public class MatMulTests
{
    /// <summary>Operand shapes and the expected result shape.</summary>
    public static TheoryData<int[], int[], int[]> Forms => new()
    {
        { [3, 4], [4, 5], [3, 5] },          // matrix · matrix
        { [3, 4], [4], [3] },                // matrix · vector
        { [4], [4, 5], [5] },                // vector · matrix
        { [4], [4], [] },                    // dot product
        { [2, 3, 4], [2, 4, 5], [2, 3, 5] }, // batched
        { [2, 3, 4], [4, 5], [2, 3, 5] },    // batch broadcast: the right matrix is shared
        { [3, 4], [2, 4, 5], [2, 3, 5] },    // batch broadcast: the left matrix is shared
        { [1, 3, 4], [2, 4, 5], [2, 3, 5] }, // batch dimension of length 1 broadcast
        { [2, 1, 3, 4], [3, 4, 2], [2, 3, 3, 2] }, // two batch dims, each broadcast from one side
        { [2, 3, 4], [4], [2, 3] },          // batched matrix · vector
        { [4], [2, 4, 5], [2, 5] },          // vector · batched matrix
        { [1, 1], [1, 1], [1, 1] },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void MatMul_backward_matches_finite_differences(int[] shapeA, int[] shapeB, int[] expectedShape)
    {
        _ = expectedShape;
        ShouldPassGradCheck(x => x[0].MatMul(x[1]), Random(1, shapeA), Random(2, shapeB));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void MatMul_forward_matches_a_triple_loop_with_numpy_semantics(int[] shapeA, int[] shapeB, int[] expectedShape)
    {
        var a = Random(3, shapeA);
        var b = Random(4, shapeB);
        var r = a.MatMul(b);
        r.Shape.ShouldBe(new Shape(expectedShape));
        ShouldBeClose(r.ToArray(), Reference(a.ToArray(), shapeA, b.ToArray(), shapeB), 1e-13);
    }

    [Fact]
    public void MatMul_gradients_equal_G_times_B_transposed_and_A_transposed_times_G()
    {
        // L = Σ W ⊙ (A·B)  ⇒  ∂L/∂A = W·Bᵀ, ∂L/∂B = Aᵀ·W, written out as loops.
        const int m = 3, k = 4, n = 2;
        var a = Random(5, [m, k]).RequireGrad();
        var b = Random(6, [k, n]).RequireGrad();
        var w = Random(7, [m, n]);
        (a.MatMul(b) * w).Sum().Backward();
        double[] av = a.ToArray(), bv = b.ToArray(), wv = w.ToArray();
        var ga = new double[m * k];
        var gb = new double[k * n];
        for (var i = 0; i < m; i++)
            for (var p = 0; p < k; p++)
                for (var j = 0; j < n; j++)
                {
                    ga[i * k + p] += wv[i * n + j] * bv[p * n + j];
                    gb[p * n + j] += av[i * k + p] * wv[i * n + j];
                }
        ShouldBeClose(a.Grad!.ToArray(), ga, 1e-13);
        ShouldBeClose(b.Grad!.ToArray(), gb, 1e-13);
    }

    [Fact]
    public void Shared_matrix_in_a_broadcast_batch_gets_the_sum_of_the_per_batch_gradients()
    {
        // [2,3,4] @ [4,5]: the [4,5] gradient is Σ_batch A_bᵀ·G_b; with G = 1 that is Σ_b Σ_i A_b[i, p] in every column.
        var a = Random(8, [2, 3, 4]).RequireGrad();
        var b = Random(9, [4, 5]).RequireGrad();
        a.MatMul(b).Sum().Backward();
        b.Grad!.Shape.ShouldBe(new Shape(4, 5));
        var av = a.ToArray();
        var expected = new double[20];
        for (var p = 0; p < 4; p++)
        {
            var s = 0.0;
            for (var batch = 0; batch < 2; batch++)
                for (var i = 0; i < 3; i++) s += av[(batch * 3 + i) * 4 + p];
            for (var j = 0; j < 5; j++) expected[p * 5 + j] = s;
        }
        ShouldBeClose(b.Grad.ToArray(), expected, 1e-13);
    }

    [Fact]
    public void Chained_matmuls_with_a_nonlinearity_match_finite_differences() =>
        // A two-layer perceptron: tanh-free so that only matmul and elementwise primitives are involved.
        ShouldPassGradCheck(x => (x[0].MatMul(x[1]) + x[2]).Exp().MatMul(x[3]).Sum(1),
            Random(10, [5, 3], -1, 1), Random(11, [3, 4], -1, 1), Random(12, [4], -1, 1), Random(13, [4, 2], -1, 1));

    [Fact]
    public void MatMul_of_a_tensor_with_itself_accumulates_both_gradients() =>
        ShouldPassGradCheck(x => x[0].MatMul(x[0].T), Random(14, [3, 4]));

    /// <summary>numpy matmul written as plain loops: 1-D operands promoted, batch dimensions broadcast.</summary>
    private static double[] Reference(double[] a, int[] shapeA, double[] b, int[] shapeB)
    {
        var sa = shapeA.Length == 1 ? [1, shapeA[0]] : shapeA;
        var sb = shapeB.Length == 1 ? [shapeB[0], 1] : shapeB;
        int m = sa[^2], k = sa[^1], n = sb[^1];
        int[] batchA = sa[..^2], batchB = sb[..^2];
        var rank = Math.Max(batchA.Length, batchB.Length);
        int Dim(int[] operandBatch, int axis)
        {
            var i = axis - (rank - operandBatch.Length); // batch dims align from the right
            return i >= 0 ? operandBatch[i] : 1;
        }
        var batch = Enumerable.Range(0, rank).Select(axis => Math.Max(Dim(batchA, axis), Dim(batchB, axis))).ToArray();
        var batchCount = batch.Aggregate(1, (p, d) => p * d);
        var result = new double[batchCount * m * n];
        for (var flat = 0; flat < batchCount; flat++)
        {
            // Unravel the batch index, then map it into each operand (index 0 where that operand has length 1).
            int offA = 0, offB = 0, rest = flat, strideA = 1, strideB = 1;
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                var idx = rest % batch[axis];
                rest /= batch[axis];
                int da = Dim(batchA, axis), db = Dim(batchB, axis);
                offA += (da == 1 ? 0 : idx) * strideA;
                offB += (db == 1 ? 0 : idx) * strideB;
                strideA *= da;
                strideB *= db;
            }
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    var s = 0.0;
                    for (var p = 0; p < k; p++) s += a[offA * m * k + i * k + p] * b[offB * k * n + p * n + j];
                    result[(flat * m + i) * n + j] = s;
                }
        }
        return result;
    }
}
