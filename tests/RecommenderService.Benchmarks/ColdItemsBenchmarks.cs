using BenchmarkDotNet.Attributes;
using RecommenderService.Engine;

/// <summary>
/// What one catalogue change costs a replica that serves items from their attributes: <see cref="ColdItems.Append"/>
/// copies the item arrays of both heads and derives the new rows. 20k trained items at k = 128 and h = 64 (a model of
/// ~15 MB of item vectors), one new item or a thousand, each with three of 40 attributes.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ColdItemsBenchmarks
{
    private FactorModel _model = null!;
    private KeyValuePair<string, string[]>[] _one = null!;
    private KeyValuePair<string, string[]>[] _thousand = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        var rating = BenchmarkModels.Random(users: 10_000, items: 20_000, factors: 128);
        var ranking = BenchmarkModels.Random(users: 10_000, items: 20_000, factors: 64, seed: 2);
        var model = rating.WithRanking(new RankingHead(64, ranking.UserFactors, ranking.ItemFactors, 1, ConfidenceWeighting.Binary, 1));
        string[] Attributes() => Enumerable.Range(0, 3).Select(_ => $"genres:G{random.Next(40)}").Distinct().ToArray();
        var known = Enumerable.Range(0, model.Items.Count).Select(_ => Attributes()).ToArray();
        _model = model.WithAttributeMap(AttributeFactors.Fit(model, i => known[i]));
        _one = [new("new-0", Attributes())];
        _thousand = Enumerable.Range(0, 1000).Select(i => new KeyValuePair<string, string[]>($"new-{i}", Attributes())).ToArray();
    }

    [Benchmark]
    public int AppendOne() => ColdItems.Append(_model, _one).Items.Count;

    [Benchmark]
    public int AppendThousand() => ColdItems.Append(_model, _thousand).Items.Count;
}
