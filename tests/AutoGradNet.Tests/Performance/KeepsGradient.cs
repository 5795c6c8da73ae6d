using AutoGradNet.Autograd;

namespace AutoGradNet.Tests.Performance;

/// <summary>y = 2x as a custom function that keeps the gradient it was given and the one it returned (user code that holds both).</summary>
internal sealed class KeepsGradient : CustomFunction
{
    public Tensor? Incoming;
    public Tensor? Returned;

    protected override Tensor Forward(FunctionContext ctx, params Tensor[] inputs) => inputs[0] * 2.0;

    protected override Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput)
    {
        Incoming = gradOutput;
        Returned = gradOutput * 2.0;
        return [Returned];
    }
}
