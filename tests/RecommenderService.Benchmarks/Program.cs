using BenchmarkDotNet.Running;

// Runs the BenchmarkDotNet suites of this assembly; pass --filter to pick some.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
