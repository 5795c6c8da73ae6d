namespace AutoGradNet.Autograd;

/// <summary>
/// The local derivative rule of every primitive, in words and formulas, as <see cref="Node.Rule"/> shows it in
/// chain-rule traces and graph exports. g is the incoming gradient ∂L/∂y of the op's output y. A test checks by
/// reflection that no primitive in <c>AutoGradNet.Ops</c> lacks an entry.
/// </summary>
internal static class DerivativeRules
{
    private static readonly Dictionary<string, string> Rules = new(StringComparer.Ordinal)
    {
        ["Add"] = "y = a + b;  ∂y/∂a = 1, ∂y/∂b = 1  (a: g, b: g)",
        ["Sub"] = "y = a − b;  ∂y/∂a = 1, ∂y/∂b = −1  (a: g, b: −g)",
        ["Mul"] = "y = a·b;  ∂y/∂a = b, ∂y/∂b = a  (a: g·b, b: g·a)",
        ["Div"] = "y = a/b;  ∂y/∂a = 1/b, ∂y/∂b = −a/b²  (a: g/b, b: −g·a/b²)",
        ["Neg"] = "y = −x;  ∂y/∂x = −1  (x: −g)",
        ["Exp"] = "y = eˣ;  ∂y/∂x = eˣ = y  (x: g·y)",
        ["Log"] = "y = ln x;  ∂y/∂x = 1/x  (x: g/x)",
        ["Log1p"] = "y = ln(1 + x);  ∂y/∂x = 1/(1 + x)  (x: g/(1 + x))",
        ["Tanh"] = "y = tanh x;  ∂y/∂x = 1 − y²  (x: g·(1 − y²))",
        ["Pow"] = "y = xᵖ (or aᵇ);  ∂y/∂x = p·xᵖ⁻¹; for a tensor exponent ∂y/∂b = y·ln a  (x: g·p·xᵖ⁻¹)",
        ["Sqrt"] = "y = √x;  ∂y/∂x = 1/(2√x) = 0.5/y  (x: g·0.5/y)",
        ["Sin"] = "y = sin x;  ∂y/∂x = cos x  (x: g·cos x)",
        ["Cos"] = "y = cos x;  ∂y/∂x = −sin x  (x: −g·sin x)",
        ["Atan"] = "y = arctan x;  ∂y/∂x = 1/(1 + x²)  (x: g/(1 + x²))",
        ["Asin"] = "y = arcsin x;  ∂y/∂x = 1/√(1 − x²)  (x: g/√(1 − x²))",
        ["Sinh"] = "y = sinh x;  ∂y/∂x = cosh x  (x: g·cosh x)",
        ["Cosh"] = "y = cosh x;  ∂y/∂x = sinh x  (x: g·sinh x)",
        ["Erf"] = "y = erf x;  ∂y/∂x = 2/√π·e^(−x²)  (x: g·2/√π·e^(−x²))",
        ["Expm1"] = "y = eˣ − 1;  ∂y/∂x = eˣ = y + 1  (x: g·(y + 1))",
        ["Reciprocal"] = "y = 1/x;  ∂y/∂x = −1/x² = −y²  (x: −g·y²)",
        ["Square"] = "y = x²;  ∂y/∂x = 2x  (x: g·2x)",
        ["Rsqrt"] = "y = 1/√x;  ∂y/∂x = −½·x^(−3/2) = −½·y³  (x: −½·g·y³)",
        ["Abs"] = "y = |x|;  ∂y/∂x = sign(x), 0 at x = 0  (x: g·sign x)",
        ["Where"] = "y = where(c, a, b);  ∂y/∂a = 1 where c, ∂y/∂b = 1 where not c  (a: where(c, g, 0), b: where(c, 0, g))",
        ["Sum"] = "y = Σ x over the axes;  ∂y/∂x = 1  (x: g broadcast back to x's shape)",
        ["Max"] = "y = max x over the axes;  ∂y/∂x = 1 at the maximum, shared among ties  (x: g·mask/count)",
        ["Prod"] = "y = Π x over the axes;  ∂y/∂xᵢ = Π of the others  (x: g·y/xᵢ, exact with zeros)",
        ["Sort"] = "y = x sorted (a permutation);  ∂yⱼ/∂x_{idx j} = 1  (x: g put back at the indices)",
        ["TopK"] = "y = the k largest/smallest x;  ∂yⱼ/∂x_{idx j} = 1  (x: g put back at the indices)",
        ["MaxWithIndices"] = "y = x at the first maximum;  ∂y/∂x = 1 at the returned index  (x: g put at the index)",
        ["MinWithIndices"] = "y = x at the first minimum;  ∂y/∂x = 1 at the returned index  (x: g put at the index)",
        ["CumSum"] = "yⱼ = Σ_{k≤j} x_k;  ∂yⱼ/∂xᵢ = 1 for i ≤ j  (x: reverse cumsum of g)",
        ["ReverseCumSum"] = "yⱼ = Σ_{k≥j} x_k;  ∂yⱼ/∂xᵢ = 1 for i ≥ j  (x: cumsum of g)",
        ["CumProd"] = "yⱼ = Π_{k≤j} x_k;  ∂yⱼ/∂xᵢ = Π_{k≤j, k≠i} x_k  (x: Σ_{j≥i} gⱼ·yⱼ/xᵢ, exact with zeros)",
        ["TakeAlong"] = "y = x at the indices along the axis;  ∂yⱼ/∂x_{idx j} = 1  (x: g put back at the indices)",
        ["PutAlong"] = "y = zeros with g′ added at the indices;  linear  (g′: y's gradient taken back at the indices)",
        ["MatMul"] = "Y = A·B;  ∂L/∂A = G·Bᵀ, ∂L/∂B = Aᵀ·G  (A: g·Bᵀ, B: Aᵀ·g)",
        ["Reshape"] = "y = x with a new shape;  identity on the elements  (x: g reshaped back)",
        ["Permute"] = "y = x with permuted axes;  identity on the elements  (x: g permuted back)",
        ["Expand"] = "y = x repeated (broadcast);  ∂y/∂x = 1 per copy  (x: g summed over the repeats)",
        ["Slice"] = "y = x[start:end:step] on an axis;  ∂y/∂x = 1 on the slice, 0 elsewhere  (x: g written into zeros)",
        ["Select"] = "y = x[index] on an axis;  ∂y/∂x = 1 at the index  (x: g written into zeros)",
        ["Diagonal"] = "y = diagonal of x;  ∂y/∂x = 1 on the diagonal  (x: g written into zeros)",
        ["SliceScatter"] = "y = zeros with x written into a slice;  linear  (x: g's slice)",
        ["SelectScatter"] = "y = zeros with x written at an index;  linear  (x: g at the index)",
        ["DiagonalScatter"] = "y = zeros with x written on the diagonal;  linear  (x: g's diagonal)",
        ["Gather"] = "y[p] = x[index[p]] along the axis;  ∂y[p]/∂x[index[p]] = 1  (x: zeros.ScatterAdd(index, g))",
        ["ScatterAdd"] = "y = x with source added at the indices;  ∂y/∂x = 1, ∂y/∂source = 1 at its index  (x: g, source: g.Gather(index))",
        ["Flip"] = "y = x reversed along the axes;  a permutation  (x: g flipped back)",
        ["Roll"] = "y = x rolled by the shifts;  a permutation  (x: g rolled back)",
        ["IndexSelect"] = "y = slices of x at the indices;  ∂y/∂x = 1 at each selected slice  (x: zeros.IndexAdd(index, g))",
        ["IndexAdd"] = "y = x + α·source at the indices;  ∂y/∂x = 1, ∂y/∂source = α  (x: g, source: α·g.IndexSelect(index))",
        ["MaskedSelect"] = "y = the elements of x where mask;  ∂y/∂x = 1 at the true positions  (x: g scattered to them)",
        ["MaskedScatter"] = "y = zeros with x at the mask's true positions;  linear  (x: g at those positions)",
        ["Concat"] = "y = parts joined along the axis;  identity per part  (part i: g's slice for it)",
        ["Clone"] = "y = a copy of x;  ∂y/∂x = 1  (x: g)",
        ["Cast"] = "y = x in another float dtype;  ∂y/∂x = 1  (x: g converted back)",
    };

    /// <summary>The rule of the primitive named <paramref name="opName"/>, or <see langword="null"/>.</summary>
    public static string? For(string opName) => Rules.GetValueOrDefault(opName);
}
