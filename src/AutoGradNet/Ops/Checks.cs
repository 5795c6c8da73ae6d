namespace AutoGradNet.Ops;

/// <summary>Guard clauses shared by the ops: every message names the op and the offending shapes or dtypes.</summary>
internal static class Checks
{
    public static void SameDType(Tensor a, Tensor b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.DType != b.DType)
        {
            throw new ArgumentException(
                $"{op}: dtype mismatch, {a.DType} (shape {a.Shape}) vs {b.DType} (shape {b.Shape}). Convert one with .To(DType.{a.DType}).");
        }
    }

    public static Shape BroadcastBinary(Tensor a, Tensor b, string op)
    {
        SameDType(a, b, op);
        return Shape.Broadcast(a.Shape, b.Shape, op);
    }
}
