using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;

namespace AutoGradNet.Benchmarks;

/// <summary>
/// The <c>compare</c> mode: times the workloads itself (warm-up, then repetitions) and answers JSON, for
/// compare/run.sh, which alternates between this process and the peers' in rounds. Requests are JSON objects, one per
/// line on stdin with <c>--serve</c>, or one per command-line argument; each answer is one JSON line on stdout.
/// Times are seconds per unit (per iteration, step, op or product).
/// </summary>
internal static class CompareServer
{
    private static readonly Dictionary<string, object> Cache = [];

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: AutoGradNet.Benchmarks compare --serve | compare '<json request>' ...");
            Console.Error.WriteLine("""  requests: {"op":"info"} {"op":"peak","dtype":"float32","threads":1} {"op":"w1","variant":"library","iters":1500,"reps":5,"warmup":2}""");
            Console.Error.WriteLine("""            {"op":"w2","steps":10,"threads":1,"reps":5,"warmup":2} {"op":"w2mem","steps":2000,"threads":1}""");
            Console.Error.WriteLine("""            {"op":"w3","shape":[4,4],"chains":10,"reps":5,"warmup":2} {"op":"w4","n":512,"dtype":"float32","threads":1,"calls":1,"reps":5,"warmup":1}""");
            return 2;
        }
        if (args[0] == "--serve")
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line.Length == 0) continue;
                if (line == "quit") break;
                Console.Out.WriteLine(Answer(line));
                Console.Out.Flush();
            }
            return 0;
        }
        foreach (var request in args) Console.Out.WriteLine(Answer(request));
        return 0;
    }

    private static string Answer(string line)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            try
            {
                using var doc = JsonDocument.Parse(line);
                Handle(doc.RootElement, w);
            }
#pragma warning disable CA1031 // The orchestrator needs every failure as an answer, not a dead process.
            catch (Exception e)
#pragma warning restore CA1031
            {
                w.WriteString("error", $"{e.GetType().Name}: {e.Message}");
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int Int(JsonElement r, string name, int fallback) =>
        r.TryGetProperty(name, out var v) ? v.GetInt32() : fallback;

    private static string Str(JsonElement r, string name, string fallback) =>
        r.TryGetProperty(name, out var v) ? v.GetString() ?? fallback : fallback;

    private static T Cached<T>(string key, Func<T> make) where T : class
    {
        if (!Cache.TryGetValue(key, out var value)) Cache[key] = value = make();
        return (T)value;
    }

    private static void Handle(JsonElement r, Utf8JsonWriter w)
    {
        var op = Str(r, "op", "");
        var reps = Int(r, "reps", 5);
        var warmup = Int(r, "warmup", 1);
        // A first warm-up by time: .NET's tiered JIT keeps moving a small graph's many methods to optimized code for a
        // few seconds (its tier-up delay restarts while new methods are still being called), so a few blocks are not enough.
        var warmupSeconds = r.TryGetProperty("warmup_seconds", out var ws) ? ws.GetDouble() : 0;
        Parallelism.MaxThreads = Int(r, "threads", 1);
        w.WriteString("op", op);
        switch (op)
        {
            case "info":
                w.WriteString("dotnet", RuntimeInformation.FrameworkDescription);
                w.WriteString("os", RuntimeInformation.OSDescription);
                w.WriteNumber("processor_count", Environment.ProcessorCount);
                w.WriteString("peak_isa", FmaPeak.Isa);
                w.WriteBoolean("vector512_accelerated", Vector512.IsHardwareAccelerated);
                w.WriteBoolean("vector256_accelerated", Vector256.IsHardwareAccelerated);
                w.WriteBoolean("avx512f", System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
                w.WriteBoolean("avx2", System.Runtime.Intrinsics.X86.Avx2.IsSupported);
                w.WriteBoolean("fma", System.Runtime.Intrinsics.X86.Fma.IsSupported);
                w.WriteBoolean("server_gc", System.Runtime.GCSettings.IsServerGC);
                w.WriteString("loh_threshold", AppContext.GetData("System.GC.LOHThreshold")?.ToString() ?? "default (85000 bytes)");
                w.WriteString("tiered_pgo", Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? "default");
                break;
            case "peak":
            {
                var isa = Str(r, "isa", FmaPeak.Isa);
                var f64 = Str(r, "dtype", "float32") == "float64";
                var threads = Int(r, "threads", 1);
                w.WriteString("isa", isa);
                for (var i = 0; i < warmup; i++) FmaPeak.Measure(f64, threads, isa, 0.05);
                w.WriteStartArray("gflops");
                for (var i = 0; i < reps; i++) w.WriteNumberValue(FmaPeak.Measure(f64, threads, isa));
                w.WriteEndArray();
                break;
            }
            case "w1":
            {
                var variant = Str(r, "variant", "library");
                var iters = Int(r, "iters", 1500);
                var net = Cached($"w1/{variant}", () => new TutorialNetwork(variant == "composed"));
                Time(w, reps, warmup, warmupSeconds, iters, net.Reset, () => net.Step(), allocations: true);
                break;
            }
            case "w2":
            {
                var mlp = Cached("w2", () => new MlpTraining());
                Time(w, reps, warmup, warmupSeconds, Int(r, "steps", 10), null, () => mlp.Step(), allocations: true);
                break;
            }
            case "w2phases":
            {
                // Where a W2 step's time goes: forward (model and loss), backward, optimizer (ZeroGrad + Step).
                var mlp = Cached("w2", () => new MlpTraining());
                var steps = Int(r, "steps", 10);
                var phases = new double[3][];
                for (var k = 0; k < 3; k++) phases[k] = new double[reps];
                for (var rep = -warmup; rep < reps; rep++)
                {
                    double f = 0, b = 0, u = 0;
                    for (var i = 0; i < steps; i++)
                    {
                        var (pf, pb, pu) = mlp.StepPhases();
                        f += pf;
                        b += pb;
                        u += pu;
                    }
                    if (rep < 0) continue;
                    phases[0][rep] = f / steps;
                    phases[1][rep] = b / steps;
                    phases[2][rep] = u / steps;
                }
                WriteArray(w, "forward", phases[0]);
                WriteArray(w, "backward", phases[1]);
                WriteArray(w, "update", phases[2]);
                WriteArray(w, "times", [.. Enumerable.Range(0, reps).Select(i => phases[0][i] + phases[1][i] + phases[2][i])]);
                break;
            }
            case "w2mem":
                LongRun(w, Cached("w2", () => new MlpTraining()), Int(r, "steps", 2000));
                break;
            case "w3":
            {
                var shape = r.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var chain = Cached($"w3/{string.Join('x', shape)}", () => new OpChain(shape));
                var chains = Int(r, "chains", 10);
                // A unit is one op: time per chain / 1000 (the chain's Sum and Backward included).
                Time(w, reps, warmup, warmupSeconds, chains, null, () => chain.Run(), allocations: true, perUnitDivisor: OpChain.Ops);
                break;
            }
            case "w4":
            {
                var n = Int(r, "n", 256);
                var dtype = Str(r, "dtype", "float32") == "float64" ? DType.Float64 : DType.Float32;
                var mm = Cached($"w4/{n}/{dtype}", () => new SquareMatMul(n, dtype));
                Time(w, reps, warmup, 0, Int(r, "calls", 1), null, () => mm.Run());
                w.WriteNumber("flops", mm.Flops);
                break;
            }
            default:
                throw new ArgumentException($"unknown op '{op}'");
        }
    }

    /// <summary>
    /// Runs blocks for <paramref name="warmupSeconds"/> seconds and then <paramref name="warmup"/> more, then <paramref name="reps"/> timed blocks of <paramref name="units"/>
    /// calls each, and writes <c>times</c>: seconds per unit (per call, divided by <paramref name="perUnitDivisor"/>).
    /// </summary>
    private static void Time(Utf8JsonWriter w, int reps, int warmup, double warmupSeconds, int units, Action? reset, Func<Tensor> unit,
        bool allocations = false, int perUnitDivisor = 1)
    {
        for (var clock = Stopwatch.StartNew(); clock.Elapsed.TotalSeconds < warmupSeconds;)
        {
            reset?.Invoke();
            for (var i = 0; i < units; i++) GC.KeepAlive(unit());
        }
        var times = new double[reps];
        var bytes = new double[reps];
        var gen2 = new int[reps];
        for (var rep = -warmup; rep < reps; rep++)
        {
            reset?.Invoke();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var gen2Before = GC.CollectionCount(2);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < units; i++) GC.KeepAlive(unit());
            var elapsed = watch.Elapsed.TotalSeconds;
            if (rep < 0) continue;
            times[rep] = elapsed / units / perUnitDivisor;
            bytes[rep] = (double)(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / units / perUnitDivisor;
            gen2[rep] = GC.CollectionCount(2) - gen2Before;
        }
        WriteArray(w, "times", times);
        if (!allocations) return;
        WriteArray(w, "bytes_per_unit", bytes);
        w.WriteStartArray("gen2");
        foreach (var g in gen2) w.WriteNumberValue(g);
        w.WriteEndArray();
    }

    /// <summary>
    /// A long W2 run: bytes allocated per step (all threads, and the calling thread alone), gen-0/1/2 collections in
    /// the first and second half, the process's peak working set, and the managed heap after each tenth of the run.
    /// </summary>
    private static void LongRun(Utf8JsonWriter w, MlpTraining mlp, int steps)
    {
        for (var i = 0; i < 20; i++) mlp.Step(); // warm-up (JIT, first-touch buffers)
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var beforeThread = GC.GetAllocatedBytesForCurrentThread();
        var g0 = GC.CollectionCount(0);
        var g1 = GC.CollectionCount(1);
        var g2 = GC.CollectionCount(2);
        int g2Half = 0, g1Half = 0;
        var heap = new List<double>();
        var workingSet = new List<double>();
        var watch = Stopwatch.StartNew();
        using var process = Process.GetCurrentProcess();
        for (var i = 1; i <= steps; i++)
        {
            mlp.Step();
            if (i == steps / 2)
            {
                g2Half = GC.CollectionCount(2);
                g1Half = GC.CollectionCount(1);
            }
            if (i % Math.Max(1, steps / 10) == 0)
            {
                heap.Add(GC.GetGCMemoryInfo().HeapSizeBytes);
                process.Refresh();
                workingSet.Add(process.WorkingSet64);
            }
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        process.Refresh();
        w.WriteNumber("steps", steps);
        w.WriteNumber("seconds", elapsed);
        w.WriteNumber("bytes_per_step", (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / steps);
        w.WriteNumber("thread_bytes_per_step", (double)(GC.GetAllocatedBytesForCurrentThread() - beforeThread) / steps);
        w.WriteNumber("gen0", GC.CollectionCount(0) - g0);
        w.WriteNumber("gen1", GC.CollectionCount(1) - g1);
        w.WriteNumber("gen2", GC.CollectionCount(2) - g2);
        w.WriteNumber("gen1_second_half", GC.CollectionCount(1) - g1Half);
        w.WriteNumber("gen2_second_half", GC.CollectionCount(2) - g2Half);
        w.WriteNumber("peak_working_set", process.PeakWorkingSet64);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        w.WriteNumber("gc_heap_bytes", info.HeapSizeBytes);
        w.WriteNumber("gc_committed_bytes", info.TotalCommittedBytes);
        w.WriteNumber("gc_pause_percent", info.PauseTimePercentage);
        WriteArray(w, "heap_by_tenth", [.. heap]);
        WriteArray(w, "working_set_by_tenth", [.. workingSet]);
    }

    private static void WriteArray(Utf8JsonWriter w, string name, double[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }
}
