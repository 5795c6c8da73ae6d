namespace AutoGradNet;

// The functional transforms of torch.autograd.functional: Jacobians, Hessians and their products with a vector,
// computed from reverse-mode vector-Jacobian products (AutoGrad.Grad). Each takes the function and the point.
public static partial class AutoGrad
{
    /// <summary>
    /// The Jacobian of <paramref name="f"/> at <paramref name="input"/>: J[i..., j...] = ∂f(x)[i...]/∂x[j...], of shape
    /// <c>output.Shape + input.Shape</c> (PyTorch's <c>torch.autograd.functional.jacobian</c>). One vector-Jacobian
    /// product per output element. An output that does not depend on the input gives zeros.
    /// </summary>
    /// <param name="f">The function; it is called once, with grad mode on.</param>
    /// <param name="input">The point: a floating-point tensor of any layout (views and non-contiguous tensors are fine).</param>
    /// <param name="createGraph">
    /// Record the computation so the Jacobian can be differentiated again (with respect to <paramref name="input"/>,
    /// when it requires grad). Without it the result does not require grad.
    /// </param>
    public static Tensor Jacobian(Func<Tensor, Tensor> f, Tensor input, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Jacobian(xs => f(xs[0]), [input], createGraph)[0];
    }

    /// <summary>
    /// The Jacobians of <paramref name="f"/> with respect to each of <paramref name="inputs"/>: element <c>i</c> has
    /// shape <c>output.Shape + inputs[i].Shape</c>. See <see cref="Jacobian(Func{Tensor, Tensor}, Tensor, bool)"/>.
    /// </summary>
    public static Tensor[] Jacobian(Func<Tensor[], Tensor> f, Tensor[] inputs, bool createGraph = false)
    {
        var xs = Prepare(f, inputs, createGraph, "AutoGrad.Jacobian");
        var y = Evaluate(f, xs, "AutoGrad.Jacobian");
        return JacobianOf(y, xs, createGraph);
    }

    /// <summary>
    /// The Hessian of the scalar function <paramref name="f"/> at <paramref name="input"/>: H[i..., j...] =
    /// ∂²f/∂x[i...]∂x[j...], of shape <c>input.Shape + input.Shape</c> (PyTorch's <c>hessian</c>): the Jacobian of the
    /// gradient, from double backward. For f(x) = xᵀAx it is A + Aᵀ.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="f"/> does not return a single-element tensor.</exception>
    public static Tensor Hessian(Func<Tensor, Tensor> f, Tensor input, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Hessian(xs => f(xs[0]), [input], createGraph)[0, 0];
    }

    /// <summary>
    /// The Hessian blocks of the scalar function <paramref name="f"/> of several tensors: <c>[i, j]</c> has shape
    /// <c>inputs[i].Shape + inputs[j].Shape</c> and holds ∂²f/∂xᵢ∂xⱼ.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="f"/> does not return a single-element tensor.</exception>
    public static Tensor[,] Hessian(Func<Tensor[], Tensor> f, Tensor[] inputs, bool createGraph = false)
    {
        const string op = "AutoGrad.Hessian";
        var xs = Prepare(f, inputs, createGraph: true, op);
        var y = Evaluate(f, xs, op);
        RequireScalar(y, op);
        var grads = GradsOrZeros(y, xs, null, createGraph: true);
        var result = new Tensor[xs.Length, xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            var row = JacobianOf(grads[i], xs, createGraph);
            for (var j = 0; j < xs.Length; j++) result[i, j] = row[j];
        }
        return result;
    }

    /// <summary>
    /// The vector-Jacobian product vᵀJ of <paramref name="f"/> at <paramref name="input"/>, with the function's value
    /// (PyTorch's <c>vjp</c>): one backward pass seeded with <paramref name="v"/>. The product has the input's shape.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="input">The point.</param>
    /// <param name="v">A tensor of the output's shape and dtype; may be omitted for a single-element output (then 1).</param>
    /// <param name="createGraph">Record the computation so the product can be differentiated again.</param>
    /// <exception cref="ArgumentException"><paramref name="v"/> does not have the output's shape or dtype.</exception>
    public static (Tensor Output, Tensor Vjp) Vjp(Func<Tensor, Tensor> f, Tensor input, Tensor? v = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (output, vjp) = Vjp(xs => f(xs[0]), [input], v, createGraph);
        return (output, vjp[0]);
    }

    /// <summary>The vector-Jacobian products vᵀ∂f/∂xᵢ for each input, with the function's value. See the one-input overload.</summary>
    public static (Tensor Output, Tensor[] Vjp) Vjp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor? v = null, bool createGraph = false)
    {
        const string op = "AutoGrad.Vjp";
        var xs = Prepare(f, inputs, createGraph, op);
        var y = Evaluate(f, xs, op);
        CheckVector(v, y, "output of f", op);
        return (Result(y, createGraph), GradsOrZeros(y, xs, v, createGraph));
    }

    /// <summary>
    /// The Jacobian-vector product J·v of <paramref name="f"/> at <paramref name="input"/> (a directional derivative),
    /// with the function's value (PyTorch's <c>jvp</c>). Computed by the double-vjp trick: uᵀJ is linear in a dummy u,
    /// and its gradient in u along v is J·v. The product has the output's shape.
    /// </summary>
    /// <param name="f">The function.</param>
    /// <param name="input">The point.</param>
    /// <param name="v">The direction, of the input's shape and dtype; may be omitted for a single-element input (then 1).</param>
    /// <param name="createGraph">Record the computation so the product can be differentiated again.</param>
    /// <exception cref="ArgumentException"><paramref name="v"/> does not have the input's shape or dtype.</exception>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor, Tensor> f, Tensor input, Tensor? v = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        return Jvp(xs => f(xs[0]), [input], v is null ? null : [v], createGraph);
    }

    /// <summary>The Jacobian-vector product Σᵢ ∂f/∂xᵢ·vᵢ, with one direction per input. See the one-input overload.</summary>
    public static (Tensor Output, Tensor Jvp) Jvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false)
    {
        const string op = "AutoGrad.Jvp";
        var xs = Prepare(f, inputs, createGraph, op);
        var directions = Directions(v, xs, op);
        var y = Evaluate(f, xs, op);
        var u = Tensor.Zeros(y.Shape, y.DType).RequireGrad();
        var uJ = GradsOrZeros(y, xs, u, createGraph: true);
        return (Result(y, createGraph), LinearGrad(Dot(uJ, directions), u, createGraph));
    }

    /// <summary>
    /// The Hessian-vector product H·v of the scalar function <paramref name="f"/> at <paramref name="input"/>, with the
    /// function's value (PyTorch's <c>hvp</c>), by the double-vjp trick on the gradient. For a twice continuously
    /// differentiable f, H is symmetric and this equals <see cref="Vhp(Func{Tensor, Tensor}, Tensor, Tensor?, bool)"/>,
    /// which is cheaper.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="f"/> is not scalar, or <paramref name="v"/> does not have the input's shape.</exception>
    public static (Tensor Output, Tensor Hvp) Hvp(Func<Tensor, Tensor> f, Tensor input, Tensor? v = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (output, hvp) = Hvp(xs => f(xs[0]), [input], v is null ? null : [v], createGraph);
        return (output, hvp[0]);
    }

    /// <summary>The Hessian-vector products (H·v)ᵢ = Σⱼ ∂²f/∂xᵢ∂xⱼ·vⱼ, one per input. See the one-input overload.</summary>
    public static (Tensor Output, Tensor[] Hvp) Hvp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false)
    {
        const string op = "AutoGrad.Hvp";
        var xs = Prepare(f, inputs, createGraph: true, op);
        var directions = Directions(v, xs, op);
        var y = Evaluate(f, xs, op);
        RequireScalar(y, op);
        var g = GradsOrZeros(y, xs, null, createGraph: true);
        // uᵀH as a function of dummies u (one per input), then its gradient in u along v: H·v.
        var u = Array.ConvertAll(xs, x => Tensor.Zeros(x.Shape, x.DType).RequireGrad());
        var uH = GradsOrZeros(Dot(g, u), xs, null, createGraph: true);
        var s = Dot(uH, directions);
        var hvp = s.RequiresGrad
            ? Grad(s, u, createGraph: createGraph, allowUnused: true)
            : Array.ConvertAll(xs, x => Tensor.ZerosLike(x));
        return (Result(y, createGraph), hvp);
    }

    /// <summary>
    /// The vector-Hessian product vᵀH of the scalar function <paramref name="f"/> at <paramref name="input"/>, with the
    /// function's value (PyTorch's <c>vhp</c>): the gradient of ∇f·v, one double backward.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="f"/> is not scalar, or <paramref name="v"/> does not have the input's shape.</exception>
    public static (Tensor Output, Tensor Vhp) Vhp(Func<Tensor, Tensor> f, Tensor input, Tensor? v = null, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(f);
        var (output, vhp) = Vhp(xs => f(xs[0]), [input], v is null ? null : [v], createGraph);
        return (output, vhp[0]);
    }

    /// <summary>The vector-Hessian products (vᵀH)ⱼ = Σᵢ vᵢ·∂²f/∂xᵢ∂xⱼ, one per input. See the one-input overload.</summary>
    public static (Tensor Output, Tensor[] Vhp) Vhp(Func<Tensor[], Tensor> f, Tensor[] inputs, Tensor[]? v = null, bool createGraph = false)
    {
        const string op = "AutoGrad.Vhp";
        var xs = Prepare(f, inputs, createGraph: true, op);
        var directions = Directions(v, xs, op);
        var y = Evaluate(f, xs, op);
        RequireScalar(y, op);
        var g = GradsOrZeros(y, xs, null, createGraph: true);
        var s = Dot(g, directions);
        var vhp = s.RequiresGrad
            ? Grad(s, xs, createGraph: createGraph, allowUnused: true)
            : Array.ConvertAll(xs, x => Tensor.ZerosLike(x));
        return (Result(y, createGraph), vhp);
    }

    /// <summary>
    /// The inputs to differentiate at: each input itself when the result must stay differentiable in it, else a
    /// detached leaf sharing its storage (and strides) that requires grad.
    /// </summary>
    private static Tensor[] Prepare(Delegate f, Tensor[] inputs, bool createGraph, string op)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length == 0) throw new ArgumentException($"{op}: no inputs were given.", nameof(inputs));
        var xs = new Tensor[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i] ?? throw new ArgumentNullException(nameof(inputs), $"{op}: input {i} is null.");
            if (!x.DType.IsFloatingPoint())
            {
                throw new ArgumentException(
                    $"{op}: input {i} (shape {x.Shape}) has dtype {x.DType}; only floating-point inputs can be differentiated. " +
                    "Convert it with .To(DType.Float64).", nameof(inputs));
            }
            xs[i] = createGraph && x.RequiresGrad ? x : x.Detach().RequireGrad();
        }
        return xs;
    }

    private static Tensor Evaluate(Func<Tensor[], Tensor> f, Tensor[] xs, string op)
    {
        using (Tensor.EnableGrad())
        {
            return f(xs) ?? throw new InvalidOperationException($"{op}: the function returned null.");
        }
    }

    private static void RequireScalar(Tensor y, string op)
    {
        if (y.Size != 1)
        {
            throw new ArgumentException(
                $"{op}: the function must return a single-element tensor (a scalar such as a loss), but it returned shape {y.Shape}. " +
                "Reduce it first (e.g. .Sum()), or use AutoGrad.Jacobian for a vector-valued function.");
        }
    }

    /// <summary>Checks that <paramref name="v"/> matches <paramref name="target"/>'s shape and dtype (or may be omitted).</summary>
    private static void CheckVector(Tensor? v, Tensor target, string what, string op)
    {
        if (v is null)
        {
            if (target.Size != 1)
            {
                throw new ArgumentException(
                    $"{op}: v may be omitted only when the {what} has a single element, but it has shape {target.Shape}. Pass v of shape {target.Shape}.", nameof(v));
            }
            return;
        }
        if (v.Shape != target.Shape || v.DType != target.DType)
        {
            throw new ArgumentException(
                $"{op}: v has shape {v.Shape} and dtype {v.DType}, but the {what} has shape {target.Shape} and dtype {target.DType}; v must match it.", nameof(v));
        }
    }

    /// <summary>One direction per input, each checked against its input (ones for an omitted one-element input).</summary>
    private static Tensor[] Directions(Tensor[]? v, Tensor[] xs, string op)
    {
        if (v is not null && v.Length != xs.Length)
            throw new ArgumentException($"{op}: {v.Length} vectors v were given for {xs.Length} inputs; pass one per input.", nameof(v));
        var directions = new Tensor[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            var vi = v?[i];
            CheckVector(vi, xs[i], xs.Length == 1 ? "input" : $"input {i}", op);
            directions[i] = vi ?? Tensor.OnesLike(xs[i]);
        }
        return directions;
    }

    /// <summary>∂y/∂xs seeded with <paramref name="v"/>; zeros where y does not depend on an input (or on none).</summary>
    private static Tensor[] GradsOrZeros(Tensor y, Tensor[] xs, Tensor? v, bool createGraph)
    {
        if (!y.RequiresGrad) return Array.ConvertAll(xs, x => Tensor.ZerosLike(x));
        return Grad(y, xs, v ?? (y.Size == 1 ? Tensor.OnesLike(y) : null), retainGraph: true, createGraph: createGraph, allowUnused: true);
    }

    /// <summary>The gradient of <paramref name="s"/>, linear in <paramref name="u"/>, with respect to u.</summary>
    private static Tensor LinearGrad(Tensor s, Tensor u, bool createGraph) =>
        s.RequiresGrad ? Grad(s, [u], createGraph: createGraph, allowUnused: true)[0] : Tensor.ZerosLike(u);

    /// <summary>Σᵢ ⟨aᵢ, bᵢ⟩, a scalar.</summary>
    private static Tensor Dot(Tensor[] a, Tensor[] b)
    {
        var sum = (a[0] * b[0]).Sum();
        for (var i = 1; i < a.Length; i++) sum = sum + (a[i] * b[i]).Sum(); // not +=: that is in place
        return sum;
    }

    private static Tensor Result(Tensor y, bool createGraph) => createGraph ? y : y.Detach();

    /// <summary>The Jacobian of an already computed <paramref name="y"/> with respect to each of <paramref name="xs"/>, row by row.</summary>
    private static Tensor[] JacobianOf(Tensor y, Tensor[] xs, bool createGraph)
    {
        var shapes = Array.ConvertAll(xs, x => new Shape([.. y.Shape.ToArray(), .. x.Shape.ToArray()]));
        if (!y.RequiresGrad || y.Size == 0) return Array.ConvertAll(shapes, s => Tensor.Zeros(s, y.DType));
        var rows = Array.ConvertAll(xs, _ => new Tensor[y.Size]);
        var seed = new double[y.Size];
        for (var k = 0; k < y.Size; k++)
        {
            seed[k] = 1;
            var onehot = Tensor.FromArray(seed, y.Shape.ToArray()).ConvertedTo(y.DType);
            seed[k] = 0;
            var grads = Grad(y, xs, onehot, retainGraph: true, createGraph: createGraph, allowUnused: true);
            for (var j = 0; j < xs.Length; j++) rows[j][k] = grads[j];
        }
        var jacobians = new Tensor[xs.Length];
        for (var j = 0; j < xs.Length; j++) jacobians[j] = Tensor.Stack(rows[j]).Reshape(shapes[j]);
        return jacobians;
    }
}
