using System.Collections;
using System.Globalization;

namespace AutoGradNet.NN;

/// <summary>
/// A chain of tensor-to-tensor modules applied in order (PyTorch's <c>nn.Sequential</c>); the layers are registered
/// under the names "0", "1", ... so their parameters are <c>0.weight</c>, <c>2.bias</c> and so on.
/// </summary>
public sealed class Sequential : Module<Tensor, Tensor>, IReadOnlyList<Module<Tensor, Tensor>>
{
    private readonly List<Module<Tensor, Tensor>> _layers = [];

    /// <summary>Creates the chain from <paramref name="layers"/>, in order.</summary>
    public Sequential(params Module<Tensor, Tensor>[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Append(layer);
    }

    /// <summary>Adds <paramref name="layer"/> at the end (named by its position) and returns this chain.</summary>
    public Sequential Append(Module<Tensor, Tensor> layer)
    {
        RegisterModule(_layers.Count.ToString(CultureInfo.InvariantCulture), layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>The layer at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public Module<Tensor, Tensor> this[int index] =>
        index >= 0 && index < _layers.Count ? _layers[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"Sequential: index {index} is out of range for {_layers.Count} layers.");

    /// <summary>The number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>Applies every layer in order (the input itself when there is none).</summary>
    public override Tensor Forward(Tensor input)
    {
        foreach (var layer in _layers) input = layer.Forward(input);
        return input;
    }

    /// <inheritdoc/>
    public IEnumerator<Module<Tensor, Tensor>> GetEnumerator() => _layers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A list of sub-modules registered under "0", "1", ... (PyTorch's <c>nn.ModuleList</c>), typed so that its items
/// need no cast: <c>new ModuleList&lt;Linear&gt;(...)</c>. It has no forward of its own.
/// </summary>
/// <typeparam name="T">The type of the items.</typeparam>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = [];

    /// <summary>Creates the list from <paramref name="modules"/>, in order.</summary>
    public ModuleList(params T[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var module in modules) Add(module);
    }

    /// <summary>Adds <paramref name="module"/> at the end, named by its position.</summary>
    public void Add(T module)
    {
        RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module);
        _items.Add(module);
    }

    /// <summary>The module at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is out of range.</exception>
    public T this[int index] =>
        index >= 0 && index < _items.Count ? _items[index]
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"ModuleList: index {index} is out of range for {_items.Count} modules.");

    /// <summary>The number of modules.</summary>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of modules of any type (see <see cref="ModuleList{T}"/>).</summary>
public sealed class ModuleList : ModuleList<Module>
{
    /// <summary>Creates the list from <paramref name="modules"/>, in order.</summary>
    public ModuleList(params Module[] modules) : base(modules)
    {
    }
}
