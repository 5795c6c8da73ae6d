using System.Numerics;
using AutoGradNet.Autograd;
using AutoGradNet.Kernels;
using AutoGradNet.Ops;

namespace AutoGradNet;

// Backward, grad-mode scopes, detaching and in-place updates.
public sealed partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this tensor with respect to every leaf that requires grad, by walking the
    /// recorded graph backwards and applying the chain rule node by node; results accumulate into
    /// each leaf's <see cref="Grad"/>.
    /// </summary>
    /// <param name="gradient">
    /// ∂L/∂(this tensor), with this tensor's shape and dtype. May be omitted only when this tensor has a single
    /// element, in which case it is 1.
    /// </param>
    /// <param name="retainGraph">
    /// Keep the saved tensors so the graph can be traversed again. Defaults to <paramref name="createGraph"/>.
    /// Without it, a second backward through the same graph throws.
    /// </param>
    /// <param name="createGraph">
    /// Record the backward computation itself, so the resulting gradients can be differentiated again
    /// (Hessian-vector products, second derivatives).
    /// </param>
    /// <exception cref="InvalidOperationException">
    /// This tensor does not require grad; or no <paramref name="gradient"/> was given for a non-scalar; or the graph was freed
    /// by an earlier backward; or a tensor saved for the backward was modified in place.
    /// </exception>
    /// <exception cref="ArgumentException"><paramref name="gradient"/>'s shape or dtype does not match.</exception>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false)
    {
        var seed = SeedGradient(gradient, "Backward");
        Engine.Run(this, seed, retainGraph ?? createGraph, createGraph, inputs: null);
    }

    internal Tensor SeedGradient(Tensor? gradient, string op)
    {
        if (!RequiresGrad)
        {
            var hint = GradMode.IsEnabled
                ? "Set RequiresGrad = true on the inputs (leaves) before computing it, outside a NoGrad scope."
                : "Grad mode is off in this async flow: a Tensor.NoGrad() scope is open (or was never disposed: use `using`).";
            throw new InvalidOperationException(
                $"{op}: this tensor of shape {Shape} does not require grad and has no GradFn, so there is no graph to differentiate. {hint}");
        }
        if (gradient is null)
        {
            if (Size != 1)
            {
                throw new InvalidOperationException(
                    $"{op}: a gradient can be implied only for a single-element output, but this output has shape {Shape}. " +
                    $"Reduce it to a scalar first (e.g. .Sum()), or pass a gradient of shape {Shape}.");
            }
            return OnesLike(this);
        }
        if (gradient.Shape != Shape || gradient.DType != DType)
        {
            throw new ArgumentException(
                $"{op}: the gradient has shape {gradient.Shape} and dtype {gradient.DType}, but the output has shape {Shape} and dtype {DType}.",
                nameof(gradient));
        }
        return gradient;
    }

    /// <summary>
    /// Opens a scope in which no operation is recorded (the current async flow only); dispose it to restore the
    /// previous mode: <c>using (Tensor.NoGrad()) { W -= lr * W.Grad!; }</c>.
    /// </summary>
    public static GradModeScope NoGrad() => GradMode.Set(false);

    /// <summary>Opens a scope in which recording is on again, e.g. inside a <see cref="NoGrad"/> scope.</summary>
    public static GradModeScope EnableGrad() => GradMode.Set(true);

    /// <summary>A new leaf sharing this tensor's storage, cut off from the graph (it does not require grad).</summary>
    public Tensor Detach() => new(Storage, Shape, _strides, StorageOffset, DType, null);

    /// <summary>
    /// Clears <see cref="Grad"/>: sets it to <see langword="null"/> (the default, like PyTorch's <c>set_to_none</c>), or,
    /// when <paramref name="setToNull"/> is false, fills an existing gradient with zeros in place (a null one stays null).
    /// </summary>
    public void ZeroGrad(bool setToNull = true)
    {
        if (setToNull || _grad is null)
        {
            _grad = null;
        }
        else
        {
            _grad.FillWith(0);
            _grad.Storage.Bump(); // an in-place write like any other: a graph that saved this gradient must notice
        }
    }

    /// <summary>Sets this leaf's <see cref="RequiresGrad"/> and returns it, for fluent construction.</summary>
    public Tensor RequireGrad(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// In place: <c>this += other</c> (broadcast to this shape); returns this tensor, like PyTorch's <c>add_</c>.
    /// Allowed outside recording, or when neither operand requires grad; bumps the version counter.
    /// </summary>
    /// <exception cref="InvalidOperationException">Grad mode is on and an operand requires grad.</exception>
    /// <exception cref="ArgumentException">The dtypes differ, or <paramref name="other"/> does not broadcast to this shape.</exception>
    public Tensor AddInPlace(Tensor other) => InPlace(other, Binary<Ops.Add>.Apply, "AddInPlace");

    /// <summary>In place: <c>this -= other</c>; returns this tensor (PyTorch's <c>sub_</c>). Same rules as <see cref="AddInPlace(Tensor)"/>.</summary>
    public Tensor SubInPlace(Tensor other) => InPlace(other, Binary<Ops.Sub>.Apply, "SubInPlace");

    /// <summary>In place: <c>this *= other</c>; returns this tensor (PyTorch's <c>mul_</c>). Same rules as <see cref="AddInPlace(Tensor)"/>.</summary>
    public Tensor MulInPlace(Tensor other) => InPlace(other, Binary<Ops.Mul>.Apply, "MulInPlace");

    /// <summary>In place: <c>this /= other</c>; returns this tensor (PyTorch's <c>div_</c>). Same rules as <see cref="AddInPlace(Tensor)"/>.</summary>
    public Tensor DivInPlace(Tensor other) => InPlace(other, Binary<Ops.Div>.Apply, "DivInPlace");

    /// <summary>In place: adds a scalar; returns this tensor.</summary>
    public Tensor AddInPlace(double other) => AddInPlace(Scalar(other, DType));

    /// <summary>In place: subtracts a scalar; returns this tensor.</summary>
    public Tensor SubInPlace(double other) => SubInPlace(Scalar(other, DType));

    /// <summary>In place: multiplies by a scalar; returns this tensor.</summary>
    public Tensor MulInPlace(double other) => MulInPlace(Scalar(other, DType));

    /// <summary>In place: divides by a scalar; returns this tensor.</summary>
    public Tensor DivInPlace(double other) => DivInPlace(Scalar(other, DType));

    /// <summary>
    /// In place: <c>this += other</c>. C# 14 compound assignment calls this operator on the tensor itself, so
    /// the variable keeps the same tensor (the same leaf). A <c>foreach</c> iteration variable is read-only to
    /// <c>+=</c>; call <see cref="AddInPlace(Tensor)"/> there.
    /// </summary>
    public void operator +=(Tensor other) => AddInPlace(other);

    /// <summary>In place: <c>this -= other</c>; the tutorial's <c>W -= lr * W.Grad</c> updates <c>W</c> itself.</summary>
    public void operator -=(Tensor other) => SubInPlace(other);

    /// <summary>In place: <c>this *= other</c>.</summary>
    public void operator *=(Tensor other) => MulInPlace(other);

    /// <summary>In place: <c>this /= other</c>.</summary>
    public void operator /=(Tensor other) => DivInPlace(other);

    /// <summary>In place: adds a scalar.</summary>
    public void operator +=(double other) => AddInPlace(other);

    /// <summary>In place: subtracts a scalar.</summary>
    public void operator -=(double other) => SubInPlace(other);

    /// <summary>In place: multiplies by a scalar.</summary>
    public void operator *=(double other) => MulInPlace(other);

    /// <summary>In place: divides by a scalar.</summary>
    public void operator /=(double other) => DivInPlace(other);

    /// <summary>
    /// In place: copies <paramref name="source"/>'s values (broadcast to this shape, converted to this dtype) into this
    /// tensor, through its strides when it is a view, so the base tensor sees them. Same rules as <see cref="AddInPlace(Tensor)"/>.
    /// </summary>
    public void CopyFrom(Tensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckInPlace(source, "CopyFrom");
        Elementwise.CopyInto(Ops.Promotion.Convert(source, DType), this);
        Storage.Bump();
    }

    /// <summary>
    /// In place: sets every element to <paramref name="value"/> (converted to this dtype), through the strides for a
    /// view; returns this tensor (PyTorch's <c>fill_</c>). Same rules as <see cref="AddInPlace(Tensor)"/>.
    /// </summary>
    public Tensor Fill(double value)
    {
        CheckWritable("Fill");
        FillWith(value);
        Storage.Bump();
        return this;
    }

    private Tensor InPlace(Tensor other, Func<Tensor, Tensor, Tensor> op, string name)
    {
        ArgumentNullException.ThrowIfNull(other);
        CheckInPlace(other, name);
        Tensor result;
        using (NoGrad()) result = op(this, other);
        if (result.DType != DType)
        {
            throw new ArgumentException(
                $"{name}: the result has dtype {result.DType}, which cannot be written into this {DType} tensor of shape {Shape} (PyTorch's rule too: an in-place op cannot change the dtype).");
        }
        Elementwise.CopyInto(result, this);
        Storage.Bump();
        return this;
    }

    private void CheckInPlace(Tensor other, string op)
    {
        CheckWritable(op);
        if (GradMode.IsEnabled && other.RequiresGrad)
        {
            throw new InvalidOperationException(
                $"{op}: in-place operations are not recorded, so they cannot take an operand that requires grad while grad mode is on " +
                $"(target shape {Shape}, operand shape {other.Shape}). Wrap the update in `using (Tensor.NoGrad())`; " +
                "to build a recorded result instead (e.g. summing losses in a loop), write `x = x + y` rather than `x += y`.");
        }
        DTypes.Promote(this, other, op); // names a Float32/Float64 mix as the in-place op
        if (!other.Shape.CanBroadcastTo(Shape))
            throw new ArgumentException($"{op}: the operand of shape {other.Shape} cannot be broadcast to the target's shape {Shape}.");
    }

    /// <summary>
    /// Refuses an in-place write that autograd could not follow (grad mode on and this tensor, or the tensor it is a
    /// view of, requires grad) or that would write one storage element twice (a broadcast view).
    /// </summary>
    private void CheckWritable(string op)
    {
        if (GradMode.IsEnabled && (RequiresGrad || ViewBase is { RequiresGrad: true }))
        {
            throw new InvalidOperationException(
                $"{op}: in-place operations are not recorded, so they cannot be applied to a tensor that requires grad " +
                $"(or to a view of one) while grad mode is on (shape {Shape}). Wrap the update in `using (Tensor.NoGrad())`; " +
                "to build a recorded result instead, write `x = x + y` rather than `x += y`.");
        }
        if (Strided.Overlaps(Shape, _strides))
        {
            throw new InvalidOperationException(
                $"{op}: this tensor of shape {Shape} is a broadcast view (strides [{string.Join(", ", _strides)}]): several of its elements " +
                "share one storage element, so it cannot be written in place. Clone() it first.");
        }
    }

    /// <summary>Whether any element is NaN.</summary>
    internal bool HasNaN()
    {
        if (!DType.IsFloatingPoint()) return false;
        var k = new NaNKernel(this);
        Dispatch.Run(DType, ref k);
        return k.Found;
    }

    private struct NaNKernel(Tensor t) : IKernel
    {
        public bool Found;

        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            foreach (var v in t.Dense<T>())
            {
                if (T.IsNaN(v)) { Found = true; return; }
            }
        }
    }
}
