using BenchmarkDotNet.Running;

// AutoGradNet.Benchmarks:
//   dotnet run -c Release --project tests/AutoGradNet.Benchmarks -- --filter '*'      BenchmarkDotNet suites
//   dotnet run -c Release --project tests/AutoGradNet.Benchmarks -- compare --serve   the side-by-side mode (compare/run.sh)
if (args.Length > 0 && args[0] == "compare")
    return AutoGradNet.Benchmarks.CompareServer.Run(args[1..]);

BenchmarkSwitcher.FromAssembly(typeof(AutoGradNet.Benchmarks.Workloads).Assembly).Run(args);
return 0;
