using BenchmarkDotNet.Running;

// BenchmarkDotNet suites, one class per kernel family. Pick with --filter, for example:
//   dotnet run -c Release --project bench/Scratchgen.Bench -- --filter '*MatMulBench*'
//   dotnet run -c Release --project bench/Scratchgen.Bench -- --filter '*Elementwise*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Scratchgen.Bench.ConvBench).Assembly).Run(args);
