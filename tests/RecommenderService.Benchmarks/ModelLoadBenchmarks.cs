using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// Loading (and writing) a ~60 MB model: 200k users and 30k items at k = 64, from memory and from a file
/// (the file is written once to the temp folder, so after the first run it is read from the page cache).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ModelLoadBenchmarks
{
    private byte[] _bytes = null!;
    private string _path = null!;
    private FactorModel _model = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchmarkModels.Random(users: 200_000, items: 30_000, factors: 64);
        using var buffer = new MemoryStream();
        ModelSerializer.Write(_model, buffer);
        _bytes = buffer.ToArray();
        _path = Path.Combine(Path.GetTempPath(), $"recsys-bench-model-{Environment.ProcessId}.bin");
        File.WriteAllBytes(_path, _bytes);
        Console.WriteLine($"// model size {_bytes.Length / 1e6:F1} MB");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark]
    public FactorModel ReadFromMemoryStream() => ModelSerializer.Read(new MemoryStream(_bytes, writable: false));

    [Benchmark]
    public FactorModel ReadFromFile()
    {
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return ModelSerializer.Read(file);
    }

    [Benchmark]
    public long WriteToMemoryStream()
    {
        var stream = new MemoryStream(_bytes.Length);
        ModelSerializer.Write(_model, stream);
        return stream.Length;
    }
}
