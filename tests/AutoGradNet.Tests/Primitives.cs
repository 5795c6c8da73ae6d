using System.Reflection;
using System.Runtime.CompilerServices;
using AutoGradNet.Autograd;
using AutoGradNet.Ops;

namespace AutoGradNet.Tests;

/// <summary>
/// Every primitive op in the library, found by reflection so that a new one cannot be missed: each elementwise function
/// struct, each view spec (and its scatter backward), and each node class in <c>AutoGradNet.Ops</c>, by the name its node
/// records under (<c>{Name}Backward</c>).
/// </summary>
internal static class Primitives
{
    /// <summary>Node classes whose node name is not their class name: the names they record under.</summary>
    private static readonly Dictionary<string, string[]> RecordedAs = new()
    {
        ["TakeAlong"] = ["Sort", "TopK", "MaxWithIndices", "MinWithIndices"],
        ["CumSum"] = ["CumSum", "ReverseCumSum"],
    };

    public static List<string> Names()
    {
        var names = new List<string>();
        foreach (var type in typeof(Tensor).Assembly.GetTypes())
        {
            if (type.IsAbstract || type.IsGenericTypeDefinition) continue;
            if (type.GetInterfaces().Any(i => i.Name is "IUnaryFunction" or "IBinaryFunction"))
            {
                names.Add((string)type.GetProperty("Name", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);
            }
            else if (type.IsSubclassOf(typeof(ViewSpec)))
            {
                var spec = (ViewSpec)RuntimeHelpers.GetUninitializedObject(type);
                names.Add(spec.OpName);
                names.Add(spec.OpName + "Scatter");
            }
            else if (type.IsSubclassOf(typeof(Node)) && type.Namespace == "AutoGradNet.Ops" && type.Name is not ("StridedView" or "ViewScatter"))
            {
                names.AddRange(RecordedAs.TryGetValue(type.Name, out var recorded) ? recorded : [type.Name]);
            }
        }
        return names;
    }
}
