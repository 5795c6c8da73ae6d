using System.Text.Json.Serialization;

namespace AutoGradNet.Serialization;

/// <summary>The JSON checkpoint document: <c>{ "format", "version", "tensors": { name: tensor } }</c>.</summary>
internal sealed record JsonCheckpoint(string Format, int Version, Dictionary<string, JsonTensor> Tensors);

/// <summary>One tensor: <c>{ "dtype", "shape", "data" }</c> with the data row-major, typed by the dtype.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "dtype")]
[JsonDerivedType(typeof(Float64JsonTensor), nameof(DType.Float64))]
[JsonDerivedType(typeof(Float32JsonTensor), nameof(DType.Float32))]
[JsonDerivedType(typeof(Int64JsonTensor), nameof(DType.Int64))]
[JsonDerivedType(typeof(BoolJsonTensor), nameof(DType.Bool))]
internal abstract record JsonTensor(int[] Shape);

internal sealed record Float64JsonTensor(int[] Shape, double[] Data) : JsonTensor(Shape);

internal sealed record Float32JsonTensor(int[] Shape, float[] Data) : JsonTensor(Shape);

internal sealed record Int64JsonTensor(int[] Shape, long[] Data) : JsonTensor(Shape);

internal sealed record BoolJsonTensor(int[] Shape, bool[] Data) : JsonTensor(Shape);

/// <summary>
/// The source-generated (reflection-free, trimming-safe) serializer for <see cref="JsonCheckpoint"/>. Doubles are
/// written in their shortest round-trip form, NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity";
/// reading is strict: every property required, no unknown or duplicate ones.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(JsonCheckpoint))]
internal sealed partial class CheckpointJsonContext : JsonSerializerContext;
