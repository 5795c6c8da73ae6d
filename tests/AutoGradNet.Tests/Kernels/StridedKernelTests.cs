using AutoGradNet.Kernels;

namespace AutoGradNet.Tests.Kernels;

/// <summary>
/// The kernels over strided (transposed, stepped, broadcast) operands, for every length from 0 to 40 (past every SIMD
/// width) in every dtype they accept, against naive loops that read each element by its index.
/// </summary>
public class StridedKernelTests
{
    public static TheoryData<DType> NumericDTypes => [DType.Float64, DType.Float32, DType.Int64];

    public static TheoryData<DType> FloatDTypes => [DType.Float64, DType.Float32];

    private static IEnumerable<int> Lengths => Enumerable.Range(0, 41);

    /// <summary>Small integers (exact in every dtype, so sums and products are exact too), optionally never zero.</summary>
    private static Tensor Values(int seed, int[] shape, DType dtype, int low = -9, int high = 9, bool nonZero = false)
    {
        var rng = new Random(seed);
        var size = shape.Aggregate(1, (a, b) => a * b);
        var data = new long[size];
        for (var i = 0; i < size; i++)
        {
            do data[i] = rng.Next(low, high + 1);
            while (nonZero && data[i] == 0);
        }
        return Tensor.FromArray(data, shape).ConvertedTo(dtype);
    }

    /// <summary>The element of <paramref name="t"/> at <paramref name="index"/> of a broadcast shape (numpy alignment).</summary>
    private static double At(Tensor t, int[] index)
    {
        var lead = index.Length - t.Rank;
        var own = new int[t.Rank];
        for (var i = 0; i < t.Rank; i++) own[i] = t.Shape[i] == 1 ? 0 : index[i + lead];
        return t.ItemAt(own);
    }

    /// <summary>Every index of <paramref name="shape"/> in row-major order.</summary>
    private static IEnumerable<int[]> Indices(Shape shape)
    {
        var index = new int[shape.Rank];
        for (var flat = 0; flat < shape.Size; flat++)
        {
            var rest = flat;
            for (var axis = shape.Rank - 1; axis >= 0; axis--)
            {
                index[axis] = rest % shape[axis];
                rest /= shape[axis];
            }
            yield return (int[])index.Clone();
        }
    }

    /// <summary>The operation evaluated in the dtype's own arithmetic (float rounding, integer truncation).</summary>
    private static double Reference(char op, double a, double b, DType dtype) => dtype switch
    {
        DType.Float32 => op switch
        {
            '+' => (float)a + (float)b,
            '-' => (float)a - (float)b,
            '*' => (float)a * (float)b,
            _ => (float)a / (float)b,
        },
        DType.Int64 => op switch
        {
            '+' => (long)a + (long)b,
            '-' => (long)a - (long)b,
            '*' => (long)a * (long)b,
            _ => (long)a / (long)b,
        },
        _ => op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            _ => a / b,
        },
    };

    /// <summary>Pairs of operands of broadcast shape [3, n]: transposed, stepped (inner stride 2 or 3), broadcast, scalar.</summary>
    private static IEnumerable<(string Name, Tensor A, Tensor B)> OperandPairs(int n, DType dtype)
    {
        var transposed = Values(n, [n, 3], dtype, nonZero: true).T;               // strides [1, 3]
        var stepped = Values(n + 100, [3, 2 * n], dtype, nonZero: true).Slice(1, 0, 2 * n, 2); // strides [2n, 2]
        var stepped3 = Values(n + 200, [3, 3 * n], dtype, nonZero: true).Slice(-1, 1, 3 * n + 1, 3);
        transposed.IsContiguous.ShouldBe(n <= 1);
        yield return ("transposed ∘ stepped", transposed, stepped);
        yield return ("stepped ∘ stepped3", Values(n + 300, [3, 2 * n], dtype).Slice(1, 1, 2 * n, 2), stepped3);
        yield return ("transposed ∘ row", transposed, Values(n + 400, [n], dtype, nonZero: true));
        yield return ("transposed ∘ column", transposed, Values(n + 500, [3, 1], dtype, nonZero: true));
        yield return ("column ∘ stepped", Values(n + 600, [3, 1], dtype), stepped);
        yield return ("stepped ∘ scalar", Values(n + 700, [3, 2 * n], dtype).Slice(1, 0, 2 * n, 2), Values(n + 800, [], dtype, nonZero: true));
        yield return ("row of a transpose ∘ stepped row", transposed.Select(0, 1), stepped.Select(0, 2));
        yield return ("expanded ∘ transposed", Values(n + 900, [n], dtype).Expand(3, n), Values(n + 1000, [n, 3], dtype, nonZero: true).T);
    }

    /// <summary>numpy's broadcast of two shapes that are known to broadcast (each pair of dims is equal or has a 1).</summary>
    private static Shape BroadcastShape(Tensor a, Tensor b)
    {
        var rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Rank) is var ia && ia >= 0 ? a.Shape[ia] : 1;
            var db = i - (rank - b.Rank) is var ib && ib >= 0 ? b.Shape[ib] : 1;
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }

    private static void ShouldMatch(Tensor result, Shape shape, Func<int[], double> expected, string what)
    {
        result.Shape.ShouldBe(shape, what);
        result.IsContiguous.ShouldBeTrue(what);
        var actual = result.ToArray();
        var k = 0;
        foreach (var index in Indices(shape))
        {
            var e = expected(index);
            actual[k].ShouldBe(e, $"{what} at [{string.Join(", ", index)}]");
            k++;
        }
    }

    [Theory]
    [MemberData(nameof(NumericDTypes))]
    public void Binary_arithmetic_on_strided_and_broadcast_operands_matches_a_naive_loop(DType dtype)
    {
        foreach (var n in Lengths)
        {
            foreach (var (name, a, b) in OperandPairs(n, dtype))
            {
                var shape = BroadcastShape(a, b);
                ShouldMatch(a + b, shape, i => Reference('+', At(a, i), At(b, i), dtype), $"{dtype} n={n} {name} +");
                ShouldMatch(a - b, shape, i => Reference('-', At(a, i), At(b, i), dtype), $"{dtype} n={n} {name} -");
                ShouldMatch(a * b, shape, i => Reference('*', At(a, i), At(b, i), dtype), $"{dtype} n={n} {name} *");
                if (dtype == DType.Int64)
                {
                    // The operator divides integers in Float64 (true division); the kernel itself truncates.
                    ShouldMatch(a / b, shape, i => At(a, i) / At(b, i), $"{dtype} n={n} {name} / (true division)");
                    var quotient = Tensor.Empty(shape, DType.Int64);
                    Elementwise.Binary<DivOp>(a, b, quotient);
                    ShouldMatch(quotient, shape, i => Reference('/', At(a, i), At(b, i), dtype), $"{dtype} n={n} {name} DivOp");
                }
                else
                {
                    ShouldMatch(a / b, shape, i => Reference('/', At(a, i), At(b, i), dtype), $"{dtype} n={n} {name} /");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Unary_functions_on_strided_operands_match_the_scalar_function(DType dtype)
    {
        foreach (var n in Lengths)
        {
            foreach (var (name, t) in new[] { ("transposed", Values(n, [n, 3], dtype).T), ("stepped", Values(n, [3, 2 * n], dtype).Slice(1, 1, 2 * n, 2)) })
            {
                var y = t.Exp();
                y.DType.ShouldBe(dtype);
                var actual = y.ToArray();
                var k = 0;
                foreach (var index in Indices(t.Shape))
                {
                    var v = t.ItemAt(index);
                    var e = dtype == DType.Float32 ? MathF.Exp((float)v) : Math.Exp(v);
                    actual[k++].ShouldBe(e, Math.Abs(e) * (dtype == DType.Float32 ? 1e-6 : 1e-15), $"{dtype} n={n} {name} exp");
                }
                ShouldMatch(-t, t.Shape, i => -t.ItemAt(i), $"{dtype} n={n} {name} negate");
                ShouldMatch(t.Abs(), t.Shape, i => Math.Abs(t.ItemAt(i)), $"{dtype} n={n} {name} abs");
            }
        }
    }

    [Theory]
    [MemberData(nameof(NumericDTypes))]
    public void Comparisons_on_strided_operands_give_Bool_matching_a_naive_loop(DType dtype)
    {
        var comparisons = new (string Name, Func<Tensor, Tensor, Tensor> Op, Func<double, double, bool> Expected)[]
        {
            (">", (a, b) => a > b, (a, b) => a > b),
            ("<", (a, b) => a < b, (a, b) => a < b),
            (">=", (a, b) => a >= b, (a, b) => a >= b),
            ("<=", (a, b) => a <= b, (a, b) => a <= b),
            ("==", (a, b) => a.ElementwiseEquals(b), (a, b) => a == b),
            ("!=", (a, b) => a.ElementwiseNotEquals(b), (a, b) => a != b),
        };
        foreach (var n in Lengths)
        {
            foreach (var (name, a, b) in OperandPairs(n, dtype))
            {
                foreach (var (opName, op, expected) in comparisons)
                {
                    var r = op(a, b);
                    r.DType.ShouldBe(DType.Bool);
                    ShouldMatch(r, BroadcastShape(a, b), i => expected(At(a, i), At(b, i)) ? 1 : 0, $"{dtype} n={n} {name} {opName}");
                }
            }
        }
    }

    public static TheoryData<DType> AllDTypes => [DType.Float64, DType.Float32, DType.Int64, DType.Bool];

    /// <summary>Values of any dtype; Bool ones from the sign of small integers.</summary>
    private static Tensor AnyValues(int seed, int[] shape, DType dtype)
        => dtype == DType.Bool ? Values(seed, shape, DType.Int64) > 0 : Values(seed, shape, dtype);

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Where_over_strided_condition_and_branches_matches_a_naive_loop(DType dtype)
    {
        foreach (var n in Lengths)
        {
            var condition = (Values(n, [n, 3], DType.Int64) > 0).T;             // strided Bool
            var ifTrue = AnyValues(n + 1, [3, 2 * n], dtype).Slice(1, 0, 2 * n, 2); // stepped
            var ifFalse = AnyValues(n + 2, [n], dtype);                             // broadcast row
            var r = Tensor.Where(condition, ifTrue, ifFalse);
            r.DType.ShouldBe(dtype);
            ShouldMatch(r, new Shape(3, n), i => At(condition, i) != 0 ? At(ifTrue, i) : At(ifFalse, i), $"{dtype} n={n}");
        }
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Where_with_single_element_branches_matches_a_naive_loop(DType dtype)
    {
        foreach (var n in Lengths)
        {
            var condition = (Values(n, [n, 3], DType.Int64) > 0).T;             // strided Bool, shape [3, n]
            var full = AnyValues(n + 1, [3, n], dtype);
            var one = AnyValues(n + 2, [], dtype);                                // 0-d
            var oneByOne = AnyValues(n + 3, [1, 1], dtype);                       // a single element with dimensions
            foreach (var (name, a, b) in new[] { ("scalar, full", one, full), ("full, scalar", full, oneByOne), ("scalar, scalar", oneByOne, one) })
            {
                var r = Tensor.Where(condition, a, b);
                ShouldMatch(r, new Shape(3, n), i => At(condition, i) != 0 ? At(a, i) : At(b, i), $"{dtype} n={n} {name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(NumericDTypes))]
    public void Comparisons_with_a_single_element_left_operand_match_a_naive_loop(DType dtype)
    {
        foreach (var n in Lengths)
        {
            var left = Values(n + 5, [1], dtype);
            var right = Values(n + 6, [3, 2 * n], dtype).Slice(1, 0, 2 * n, 2);
            ShouldMatch(left > right, new Shape(3, n), i => At(left, i) > At(right, i) ? 1 : 0, $"{dtype} n={n} >");
            ShouldMatch(left.ElementwiseEquals(left.Expand(3, n)), new Shape(3, n), _ => 1, $"{dtype} n={n} ==");
        }
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void CopyFrom_writes_through_a_strided_target_and_leaves_the_gaps_untouched(DType dtype)
    {
        foreach (var n in Lengths)
        {
            foreach (var (sourceName, source) in new[]
            {
                ("contiguous", AnyValues(n, [3, n], dtype)),
                ("transposed", AnyValues(n, [n, 3], dtype).T),
                ("broadcast row", AnyValues(n, [n], dtype)),
                ("stepped", AnyValues(n, [3, 2 * n], dtype).Slice(1, 1, 2 * n, 2)),
            })
            {
                // Target 1: a transpose (every storage element is written).
                var transposedBase = Tensor.Zeros([n, 3], dtype);
                transposedBase.T.CopyFrom(source);
                foreach (var index in Indices(new Shape(3, n)))
                    transposedBase.ItemAt(index[1], index[0]).ShouldBe(At(source, index), $"{dtype} n={n} {sourceName} → transpose");

                // Target 2: every other column (the columns in between must stay 0).
                var steppedBase = Tensor.Zeros([3, 2 * n], dtype);
                steppedBase.Slice(1, 0, 2 * n, 2).CopyFrom(source);
                foreach (var index in Indices(steppedBase.Shape))
                {
                    var expected = index[1] % 2 == 0 ? At(source, [index[0], index[1] / 2]) : 0;
                    steppedBase.ItemAt(index).ShouldBe(expected, $"{dtype} n={n} {sourceName} → stepped");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void A_contiguous_target_takes_any_source_gathered_straight_in_also_from_its_own_storage(DType dtype)
    {
        foreach (var n in Lengths)
        {
            foreach (var (sourceName, source) in new[]
            {
                ("contiguous", AnyValues(n, [3, n], dtype)),
                ("transposed", AnyValues(n, [n, 3], dtype).T),
                ("broadcast row", AnyValues(n, [n], dtype)),
                ("broadcast column", AnyValues(n, [3, 1], dtype)),
                ("stepped", AnyValues(n, [3, 2 * n], dtype).Slice(1, 1, 2 * n, 2)),
            })
            {
                var target = Tensor.Zeros([3, n], dtype);
                target.CopyFrom(source);
                ShouldMatch(target, new Shape(3, n), i => At(source, i), $"{dtype} n={n} {sourceName} → contiguous");
                ShouldMatch(source.Expand(3, n).Clone(), new Shape(3, n), i => At(source, i), $"{dtype} n={n} {sourceName} clone");
            }

            // The source is a view of the target's own storage: it must be read whole before any element is written.
            var square = AnyValues(n, [n, n], dtype);
            var original = square.Clone();
            square.CopyFrom(square.T);
            ShouldMatch(square, new Shape(n, n), i => original.ItemAt(i[1], i[0]), $"{dtype} n={n} x ← xᵀ");
            if (n > 0)
            {
                var rows = AnyValues(n + 1, [3, n], dtype);
                var firstRow = rows.Clone().Select(0, 0);
                rows.CopyFrom(rows.Select(0, 0));
                ShouldMatch(rows, new Shape(3, n), i => firstRow.ItemAt(i[1]), $"{dtype} n={n} x ← its first row, broadcast");
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Unary_ops_on_strided_and_broadcast_inputs_give_the_bits_of_the_contiguous_input(DType dtype)
    {
        // The contiguous path is checked against System.Math in UnaryMathTests; a strided input is gathered into the
        // result and computed in place, which must change nothing (NaN outside a domain included).
        var ops = new (string Name, Func<Tensor, Tensor> Op)[]
        {
            ("neg", x => -x), ("exp", x => x.Exp()), ("log", x => x.Log()), ("log1p", x => x.Log1p()),
            ("tanh", x => x.Tanh()), ("sqrt", x => x.Sqrt()), ("abs", x => x.Abs()), ("sin", x => x.Sin()),
            ("cos", x => x.Cos()), ("atan", x => x.Atan()), ("asin", x => x.Asin()), ("sinh", x => x.Sinh()),
            ("cosh", x => x.Cosh()), ("expm1", x => x.Expm1()), ("erf", x => x.Erf()), ("reciprocal", x => x.Reciprocal()),
            ("square", x => x.Square()), ("rsqrt", x => x.Rsqrt()),
        };
        foreach (var n in Lengths)
        {
            foreach (var (inputName, x) in new[]
            {
                ("transposed", Values(n, [n, 3], dtype, nonZero: true).T),
                ("stepped", Values(n + 1, [3, 2 * n], dtype, nonZero: true).Slice(1, 1, 2 * n, 2)),
                ("broadcast row", Values(n + 2, [n], dtype, nonZero: true).Expand(3, n)),
            })
            {
                var dense = x.Contiguous();
                foreach (var (name, op) in ops)
                {
                    var expected = op(dense).ToArray();
                    ShouldMatch(op(x), new Shape(3, n), i => expected[i[0] * n + i[1]], $"{dtype} n={n} {name}({inputName})");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Tensor_scalar_arithmetic_on_strided_and_broadcast_inputs_matches_a_naive_loop(DType dtype)
    {
        const double c = 3.0;
        foreach (var n in Lengths)
        {
            foreach (var (name, x) in new[]
            {
                ("transposed", Values(n, [n, 3], dtype, nonZero: true).T),
                ("stepped", Values(n + 1, [3, 2 * n], dtype, nonZero: true).Slice(1, 1, 2 * n, 2)),
                ("broadcast row", Values(n + 2, [n], dtype, nonZero: true).Expand(3, n)),
                ("broadcast scalar", Values(n + 3, [], dtype, nonZero: true).Expand(3, n)),
            })
            {
                var shape = new Shape(3, n);
                ShouldMatch(x + c, shape, i => Reference('+', At(x, i), c, dtype), $"{dtype} n={n} {name} + c");
                ShouldMatch(c - x, shape, i => Reference('-', c, At(x, i), dtype), $"{dtype} n={n} c - {name}");
                ShouldMatch(x * c, shape, i => Reference('*', At(x, i), c, dtype), $"{dtype} n={n} {name} * c");
                ShouldMatch(c / x, shape, i => Reference('/', c, At(x, i), dtype), $"{dtype} n={n} c / {name}");
                ShouldMatch(x / c, shape, i => Reference('/', At(x, i), c, dtype), $"{dtype} n={n} {name} / c");
            }
        }
    }

    [Theory]
    [MemberData(nameof(NumericDTypes))]
    public void Sum_and_Max_over_each_axis_of_a_transposed_input_match_a_naive_loop(DType dtype)
    {
        foreach (var n in Lengths)
        {
            var inputs = new (string Name, Tensor X)[]
            {
                ("transposed 2-D", Values(n, [n, 3], dtype).T),
                ("permuted 3-D", Values(n, [n, 2, 3], dtype).Permute(2, 0, 1)),
                ("stepped 2-D", Values(n, [3, 2 * n], dtype).Slice(1, 1, 2 * n, 2)),
                ("expanded", Values(n, [n], dtype).Expand(3, n)),
            };
            foreach (var (name, x) in inputs)
            {
                for (var axis = 0; axis < x.Rank; axis++)
                {
                    var outShape = new Shape([.. x.Shape.Where((_, i) => i != axis)]);
                    var len = x.Shape[axis];
                    double Fold(int[] outIndex, Func<double, double, double> f, double seed)
                    {
                        var acc = seed;
                        var index = new List<int>(outIndex);
                        index.Insert(axis, 0);
                        var full = index.ToArray();
                        for (var j = 0; j < len; j++)
                        {
                            full[axis] = j;
                            acc = f(acc, x.ItemAt(full));
                        }
                        return acc;
                    }
                    var sum = x.Sum(axis);
                    sum.DType.ShouldBe(dtype);
                    ShouldMatch(sum, outShape, i => Fold(i, (a, b) => a + b, 0), $"{dtype} n={n} {name} Sum({axis})");
                    if (len > 0)
                        ShouldMatch(x.Max(axis), outShape, i => Fold(i, Math.Max, double.NegativeInfinity), $"{dtype} n={n} {name} Max({axis})");
                }
                var total = 0.0;
                foreach (var index in Indices(x.Shape)) total += x.ItemAt(index);
                x.Sum().Item().ShouldBe(total, $"{dtype} n={n} {name} Sum()");
            }
        }
    }

    // ---- MatMul ----

    /// <summary>An [m, k]-shaped operand: row-major, a transpose (column-major), or a stepped slice (neither).</summary>
    private static Tensor Operand(char layout, int seed, int rows, int cols, DType dtype) => layout switch
    {
        'N' => Values(seed, [rows, cols], dtype),
        'T' => Values(seed, [cols, rows], dtype).T,
        _ => Values(seed, [2 * rows, 2 * cols + 1], dtype).Slice(0, 1, 2 * rows, 2).Slice(1, 0, 2 * cols, 2),
    };

    /// <summary>The product by the definition C[..., i, j] = Σ_p A[..., i, p]·B[..., p, j], batch dims broadcast.</summary>
    private static void ShouldBeTheTripleLoop(Tensor a, Tensor b, string what)
    {
        var c = a.MatMul(b);
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        c.Shape[^2].ShouldBe(m, what);
        c.Shape[^1].ShouldBe(n, what);
        c.DType.ShouldBe(a.DType);
        var actual = c.ToArray();
        var flat = 0;
        foreach (var index in Indices(c.Shape))
        {
            var batch = index[..^2];
            var sum = 0.0;
            for (var p = 0; p < k; p++)
            {
                int[] ai = [.. BatchOf(a, batch), index[^2], p];
                int[] bi = [.. BatchOf(b, batch), p, index[^1]];
                sum += a.ItemAt(ai) * b.ItemAt(bi);
            }
            actual[flat++].ShouldBe(sum, $"{what} at [{string.Join(", ", index)}]");
        }
    }

    private static int[] BatchOf(Tensor t, int[] batch)
    {
        var own = new int[t.Rank - 2];
        var lead = batch.Length - own.Length;
        for (var i = 0; i < own.Length; i++) own[i] = t.Shape[i] == 1 ? 0 : batch[i + lead];
        return own;
    }

    private static readonly char[] Layouts = ['N', 'T', 'S'];

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void MatMul_of_every_layout_combination_matches_the_triple_loop(DType dtype)
    {
        var sizes = new List<(int M, int K, int N)> { (0, 3, 4), (3, 0, 4), (3, 4, 0), (1, 1, 1), (5, 7, 3), (2, 1, 6) };
        foreach (var len in Lengths)
        {
            sizes.Add((3, 5, len)); // n past every SIMD width (the row multiply-add path)
            sizes.Add((3, len, 4)); // k past every SIMD width (the dot-product path)
            sizes.Add((len, 2, 3));
        }
        foreach (var la in Layouts)
        {
            foreach (var lb in Layouts)
            {
                foreach (var (m, k, n) in sizes)
                {
                    var a = Operand(la, m * 100 + k, m, k, dtype);
                    var b = Operand(lb, k * 100 + n + 7, k, n, dtype);
                    if (la == 'T' && m > 1 && k > 1) a.IsContiguous.ShouldBeFalse();
                    if (lb == 'S' && k > 1 && n > 1) (b.Strides[0] != 1 && b.Strides[1] != 1).ShouldBeTrue();
                    ShouldBeTheTripleLoop(a, b, $"{dtype} {la}·{lb} m={m} k={k} n={n}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FloatDTypes))]
    public void Batched_MatMul_with_transposed_matrices_and_broadcast_batch_dims_matches_the_triple_loop(DType dtype)
    {
        foreach (var (m, k, n) in new[] { (3, 4, 5), (1, 9, 2), (4, 1, 3), (0, 2, 3), (2, 0, 3), (17, 19, 18) })
        {
            var aT = Values(m + k, [2, 1, k, m], dtype).Transpose(-1, -2);   // [2, 1, m, k], column-major matrices
            var bT = Values(k + n, [3, n, k], dtype).Transpose(-1, -2);      // [3, k, n], column-major matrices
            var aBatchPermuted = Values(m * k + 1, [m, 2, k], dtype).Permute(1, 0, 2); // [2, m, k], batch stride k
            var bStepped = Values(n + 5, [3, 2 * k, n], dtype).Slice(1, 0, 2 * k, 2);  // [3, k, n], row stride 2n
            var bShared = Values(n + 6, [k, n], dtype).T.Contiguous().T;                // [k, n], column-major
            ShouldBeTheTripleLoop(aT, bT, $"{dtype} aT·bT m={m} k={k} n={n}");
            ShouldBeTheTripleLoop(aT, Values(n, [k, n], dtype), $"{dtype} aT·b m={m} k={k} n={n}");
            ShouldBeTheTripleLoop(aBatchPermuted, bT.Narrow(0, 0, 2), $"{dtype} permuted·bT m={m} k={k} n={n}");
            ShouldBeTheTripleLoop(aT, bStepped, $"{dtype} aT·stepped m={m} k={k} n={n}");
            ShouldBeTheTripleLoop(aBatchPermuted.Unsqueeze(0), bShared, $"{dtype} permuted·shared m={m} k={k} n={n}");
            ShouldBeTheTripleLoop(Values(m, [m, k], dtype), bT, $"{dtype} a·bT m={m} k={k} n={n}");
        }
    }

    [Fact]
    public void MatMul_of_transposed_vectors_and_matrices_matches_the_triple_loop()
    {
        var x = Values(1, [7, 3], DType.Float64);
        var v = Values(2, [14], DType.Float64).Slice(0, 0, 14, 2); // stride 2 vector
        x.T.MatMul(v).ToArray().ShouldBe([.. Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 7).Sum(p => x.ItemAt(p, i) * v.ItemAt(p)))]);
        v.MatMul(x).ToArray().ShouldBe([.. Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 7).Sum(p => v.ItemAt(p) * x.ItemAt(p, j)))]);
        v.MatMul(v).Item().ShouldBe(Enumerable.Range(0, 7).Sum(p => v.ItemAt(p) * v.ItemAt(p)));
    }

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Copies_of_transposed_matrices_match_a_naive_loop_at_every_tile_remainder(DType dtype)
    {
        // The tiled transpose copy (16×16 tiles) takes over from 16 rows and columns: sizes around one and two tiles,
        // a stack of matrices, and a transpose of a stepped slice (column stride 2·rows).
        foreach (var (rows, cols) in new[] { (15, 40), (16, 16), (17, 33), (40, 17), (31, 64), (1, 40), (40, 1) })
        {
            var x = AnyValues(rows * 100 + cols, [2, cols, rows], dtype).Transpose(1, 2);
            if (rows > 1 && cols > 1) x.IsContiguous.ShouldBeFalse();
            ShouldMatch(x.Contiguous(), new Shape(2, rows, cols), i => At(x, i), $"{dtype} {rows}x{cols}");
            var stepped = AnyValues(rows + cols, [cols, 2 * rows], dtype).Slice(1, 0, 2 * rows, 2).T;
            ShouldMatch(stepped.Contiguous(), new Shape(rows, cols), i => At(stepped, i), $"{dtype} stepped {rows}x{cols}");
        }
    }
}
