using System.Diagnostics;
using System.Text.Json;
using AutoGradNet.Serialization;

namespace AutoGradNet.Tests.Serialization;

/// <summary>Runs Python snippets for the interoperability tests, and says whether numpy and torch are importable.</summary>
internal static class Python
{
    public const string Executable = "/usr/bin/python3";

    public static readonly Lazy<bool> HasNumpy = new(() => Imports("numpy"));

    public static readonly Lazy<bool> HasTorch = new(() => Imports("torch, numpy"));

    private static bool Imports(string modules)
    {
        if (!File.Exists(Executable)) return false;
        try
        {
            return Run($"import {modules}", []).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> (as sys.argv[1:]); returns exit code and output.</summary>
    public static (int ExitCode, string Output, string Error) Run(string script, string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>Runs the script and returns its standard output, failing the test with its error output otherwise.</summary>
    public static string Check(string script, params string[] args)
    {
        var (code, output, error) = Run(script, args);
        code.ShouldBe(0, $"python failed:\n{error}");
        return output;
    }
}

/// <summary>A test that needs numpy in /usr/bin/python3; skipped with the reason otherwise.</summary>
public sealed class NumpyFactAttribute : FactAttribute
{
    public NumpyFactAttribute()
    {
        if (!Python.HasNumpy.Value) Skip = "/usr/bin/python3 with numpy is not available (install python3-numpy to run this test).";
    }
}

/// <summary>A test that needs torch and numpy in /usr/bin/python3; skipped with the reason otherwise.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (!Python.HasTorch.Value) Skip = "/usr/bin/python3 with torch and numpy is not available (install python3-torch and python3-numpy to run this test).";
    }
}

/// <summary>
/// Safetensors files move between AutoGradNet and Python. Debian has no python3-safetensors package, so the Python
/// side reads and writes the format from its specification (json + struct + numpy.frombuffer), the way the
/// reference library lays it out; that proves the files follow the spec, not merely that we agree with ourselves.
/// </summary>
public class PythonInteropTests
{
    /// <summary>Parses a safetensors file from the spec; prints {name: [dtype, shape, raw little-endian bits]}.</summary>
    private const string ReadSpec = """
        import json, struct, sys
        import numpy as np
        buf = open(sys.argv[1], 'rb').read()
        (n,) = struct.unpack('<Q', buf[:8])
        assert n % 8 == 0, n
        header = json.loads(buf[8:8 + n].decode('utf-8'))
        meta = header.pop('__metadata__', {})
        data = buf[8 + n:]
        kinds = {'F64': '<u8', 'F32': '<u4', 'I64': '<i8', 'BOOL': '|u1'}
        out = {'__metadata__': meta}
        end = 0
        for name, e in sorted(header.items(), key=lambda kv: kv[1]['data_offsets']):
            b, f = e['data_offsets']
            assert b == end, (name, b, end)
            end = f
            arr = np.frombuffer(data[b:f], dtype=kinds[e['dtype']]).reshape(e['shape'])
            out[name] = [e['dtype'], list(arr.shape), [int(v) for v in arr.reshape(-1)]]
        assert end == len(data)
        print(json.dumps(out))
        """;

    /// <summary>Writes a safetensors file from the spec (metadata last, tensors in an order of our choosing).</summary>
    private const string WriteSpec = """
        import json, struct
        def save(path, tensors, metadata):
            header, blobs, offset = {}, [], 0
            for name, arr in tensors:
                raw = arr.astype(arr.dtype.newbyteorder('<')).tobytes()
                dtype = {'f8': 'F64', 'f4': 'F32', 'i8': 'I64', 'b1': 'BOOL'}[arr.dtype.kind + str(arr.dtype.itemsize)]
                header[name] = {'dtype': dtype, 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(raw)]}
                blobs.append(raw)
                offset += len(raw)
            header['__metadata__'] = metadata
            text = json.dumps(header).encode('utf-8')
            text += b' ' * (-len(text) % 8)
            with open(path, 'wb') as f:
                f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
        """;

    private static long[] RawBits(Tensor t) => t.DType switch
    {
        DType.Float64 => [.. t.Dense<double>().ToArray().Select(v => BitConverter.DoubleToInt64Bits(v))],
        DType.Float32 => [.. t.Dense<float>().ToArray().Select(v => (long)(uint)BitConverter.SingleToInt32Bits(v))],
        DType.Int64 => t.Dense<long>().ToArray(),
        _ => [.. t.Dense<bool>().ToArray().Select(v => v ? 1L : 0L)],
    };

    [NumpyFact]
    public void Python_reads_a_file_AutoGradNet_wrote_to_the_same_bits()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var state = SerializationTestFiles.MixedState();
            var path = Path.Combine(dir, "from-csharp.safetensors");
            Safetensors.Save(state, path, new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3" });

            using var doc = JsonDocument.Parse(Python.Check(ReadSpec, path));
            var root = doc.RootElement;
            root.GetProperty("__metadata__").GetProperty("epoch").GetString().ShouldBe("3");
            root.EnumerateObject().Count().ShouldBe(state.Count + 1);
            foreach (var (name, t) in state)
            {
                var entry = root.GetProperty(name);
                entry[0].GetString().ShouldBe(t.DType switch { DType.Float64 => "F64", DType.Float32 => "F32", DType.Int64 => "I64", _ => "BOOL" });
                entry[1].EnumerateArray().Select(d => d.GetInt32()).ShouldBe(t.Shape.Dims.ToArray(), name);
                // numpy prints uint64 bit patterns of F64 as unsigned; compare as unsigned.
                entry[2].EnumerateArray().Select(v => t.DType == DType.Float64 ? (long)v.GetUInt64() : v.GetInt64()).ShouldBe(RawBits(t), name);
            }
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [NumpyFact]
    public void A_file_Python_wrote_from_the_spec_loads_in_AutoGradNet()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var path = Path.Combine(dir, "from-python.safetensors");
            Python.Check(WriteSpec + "\n" + """
                import sys
                import numpy as np
                save(sys.argv[1], [
                    ('mask', np.array([[True, False], [False, True]])),
                    ('w', np.arange(6, dtype=np.float64).reshape(2, 3) / 7),
                    ('b', np.array([0.1, -2.5, np.inf], dtype=np.float32)),
                    ('n', np.array(-(2 ** 62), dtype=np.int64)),
                ], {'format': 'np'})
                """, path);

            var loaded = Safetensors.Load(path);
            loaded.Keys.ShouldBe(["mask", "w", "b", "n"]);
            loaded["mask"].ShouldBeBitwiseEqual(Tensor.FromArray(new[] { true, false, false, true }, 2, 2));
            loaded["w"].ShouldBeBitwiseEqual(Tensor.FromArray(Enumerable.Range(0, 6).Select(i => i / 7.0).ToArray(), 2, 3));
            loaded["b"].ShouldBeBitwiseEqual(Tensor.FromArray(new[] { 0.1f, -2.5f, float.PositiveInfinity }));
            loaded["n"].ShouldBeBitwiseEqual(Tensor.Scalar(0, DType.Int64) - (1L << 62));
            Safetensors.ReadHeader(path).Metadata["format"].ShouldBe("np");
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    [TorchFact]
    public void Weights_move_from_AutoGradNet_to_torch_and_back()
    {
        var dir = SerializationTestFiles.NewDirectory();
        try
        {
            var w = Tensor.FromArray([0.5, -1.25, 3.0, 0.1, 1e-300, -0.0], 2, 3);
            var b = Tensor.FromArray(new[] { 0.1f, 2f });
            var steps = Tensor.FromArray(new long[] { 41 }, 1);
            var mask = Tensor.FromArray(new[] { true, false }, 2);
            var source = Path.Combine(dir, "csharp.safetensors");
            var result = Path.Combine(dir, "torch.safetensors");
            Safetensors.Save(new Dictionary<string, Tensor> { ["fc.weight"] = w, ["fc.bias"] = b, ["steps"] = steps, ["mask"] = mask }, source);

            // Torch loads the tensors (numpy from the spec, then torch.from_numpy), runs a Linear layer on them, updates
            // them, and saves them back with the same spec writer.
            var printed = Python.Check(WriteSpec + "\n" + """
                import sys
                import numpy as np
                import torch
                buf = open(sys.argv[1], 'rb').read()
                (n,) = struct.unpack('<Q', buf[:8])
                header = json.loads(buf[8:8 + n])
                kinds = {'F64': '<f8', 'F32': '<f4', 'I64': '<i8', 'BOOL': '?'}
                t = {k: torch.from_numpy(np.frombuffer(buf[8 + n + e['data_offsets'][0]:8 + n + e['data_offsets'][1]],
                                                       dtype=kinds[e['dtype']]).reshape(e['shape']).copy())
                     for k, e in header.items() if k != '__metadata__'}
                assert t['fc.weight'].dtype == torch.float64 and t['fc.bias'].dtype == torch.float32
                assert t['steps'].dtype == torch.int64 and t['mask'].dtype == torch.bool
                y = torch.nn.functional.linear(torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64), t['fc.weight'], t['fc.bias'].double())
                print(repr(y.tolist()))
                save(sys.argv[2], [
                    ('fc.weight', (t['fc.weight'] * 2).numpy()),
                    ('fc.bias', (-t['fc.bias']).numpy()),
                    ('steps', (t['steps'] + 1).numpy()),
                    ('mask', (~t['mask']).numpy()),
                ], {'format': 'pt'})
                """, source, result);

            // y = x·Wᵀ + b, worked out from the values above.
            var bias = new[] { (double)0.1f, 2.0 };
            printed.Trim().ShouldBe($"[[{Py(0.5 * 1 + -1.25 * 2 + 3.0 * 3 + bias[0])}, {Py(0.1 * 1 + 1e-300 * 2 + -0.0 * 3 + bias[1])}]]");
            var back = Safetensors.Load(result);
            back["fc.weight"].ShouldBeBitwiseEqual(Tensor.FromArray([1.0, -2.5, 6.0, 0.2, 2e-300, -0.0], 2, 3));
            back["fc.bias"].ShouldBeBitwiseEqual(Tensor.FromArray(new[] { -0.1f, -2f }));
            back["steps"].ShouldBeBitwiseEqual(Tensor.FromArray(new long[] { 42 }, 1));
            back["mask"].ShouldBeBitwiseEqual(Tensor.FromArray(new[] { false, true }, 2));
        }
        finally
        {
            SerializationTestFiles.Delete(dir);
        }
    }

    /// <summary>Python's repr of a double (shortest round-trip, like .NET's "R").</summary>
    private static string Py(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture) is var s && !s.Contains('.') && !s.Contains('E') ? s + ".0" : s;
}
