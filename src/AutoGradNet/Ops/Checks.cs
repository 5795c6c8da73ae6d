namespace AutoGradNet.Ops;

/// <summary>Guard clauses shared by the ops: every message names the op and the offending shapes or dtypes.</summary>
internal static class Checks
{
    /// <summary>Both dtypes equal (the callers have checked both tensors for null).</summary>
    public static void SameDType(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
        {
            throw new ArgumentException(
                $"{op}: dtype mismatch, {a.DType} (shape {a.Shape}) vs {b.DType} (shape {b.Shape}). Convert one with .To(DType.{a.DType}).");
        }
    }

    /// <summary>
    /// A null operand's message: most often it is a <c>.Grad</c> that was never filled. Called where a user's tensor
    /// arrives (static methods, operators, other-tensor parameters); an op's input that is always <c>this</c> or a tensor
    /// an op made needs no check, and the nullable annotations keep internal callers to that.
    /// </summary>
    public static void NotNull(Tensor? t, string op, string which)
    {
        if (t is null)
        {
            throw new ArgumentNullException(which,
                $"{op}: the {which} is null. If it is a .Grad: only leaves that require grad get one, and only after a Backward() reaches them.");
        }
    }
}
