namespace AutoGradNet;

/// <summary>The element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>64-bit IEEE 754 floating point (C# <see cref="double"/>). The default, like numpy's and the tutorial's.</summary>
    Float64,

    /// <summary>32-bit IEEE 754 floating point (C# <see cref="float"/>): half the memory, twice the SIMD width.</summary>
    Float32,
}
