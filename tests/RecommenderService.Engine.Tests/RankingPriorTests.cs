using Xunit.Abstractions;

namespace RecommenderService.Engine.Tests;

public sealed class RankingPriorTests(ITestOutputHelper output)
{
    private static readonly Lazy<(RatingSet Ratings, FactorModel Model)> Trained = new(() =>
    {
        var (ratings, profiles, genre) = ProfileRatings.Build();
        var model = ProfileRatings.Train(ratings);
        model = model.WithAttributeMap(AttributeFactors.FitOnRatings(model, ratings, genre))
            .WithUserAttributeMap(AttributeFactors.FitOnUsers(model, ratings, profiles));
        return (ratings, model);
    });

    public static TheoryData<string[], string[]> Told => new()
    {
        { ["segment:s1", "age:25-34"], [] },
        { [], ["genre:g2"] },
        { [], ["genre:g0", "genre:g3"] },
        { ["segment:s3"], ["genre:g1", "genre:g4"] },
    };

    [Theory]
    [MemberData(nameof(Told))]
    public void Without_ratings_the_profile_and_likes_parts_add_up_to_each_listed_items_score(string[] profile, string[] likes)
    {
        var (_, model) = Trained.Value;
        var tokens = new ProfileTokens(profile, likes);
        var served = ColdUsers.Solve(model, tokens, [], [], ColdUsers.DefaultPriorRegularization)!.RankingFactors!;
        var prior = RankingPrior.For(model, tokens)!;
        var reasons = RankingReasons.For(model, [], [], prior);

        Assert.Equal(served, prior.Vector);
        Assert.Equal(served, reasons.Vector);
        var listed = TopKScan.ForUserRanking(model, served, 10, []);
        foreach (var top in listed)
        {
            var explained = reasons.Explain(top.Item, served, RankingReasons.MaxReasons);
            var parts = prior.Parts.Sum(p => (double)Dot(p.Vector, model.Ranking!.ItemVector(top.Item)));

            Assert.Empty(explained.Top);
            Assert.True(Math.Abs(parts + explained.Base - top.Score) <= 1e-4 * top.Score,
                $"item {top.Item}: tokens {parts} + base {explained.Base} against the score {top.Score}");
            Assert.True(Math.Abs(explained.Unexplained) <= 1e-4 * top.Score);
            // Every token given is one the user told, with a positive part, largest first.
            Assert.All(explained.Attributes, a => Assert.Contains(a.Token, a.Source == RankingPriorSource.Like ? likes : profile));
            Assert.All(explained.Attributes, a => Assert.True(a.Contribution > 0 && Math.Abs(a.Share - a.Contribution / top.Score) < 1e-6));
            for (var r = 1; r < explained.Attributes.Length; r++) Assert.True(explained.Attributes[r - 1].Contribution >= explained.Attributes[r].Contribution);
        }
        output.WriteLine($"{string.Join(' ', profile.Concat(likes))}: top item's reasons "
                         + string.Join(", ", reasons.Explain(listed[0].Item, served).Attributes.Select(a => $"{a.Token} {a.Share:P1}")));
    }

    [Theory]
    [MemberData(nameof(Told))]
    public void With_ratings_the_rated_items_tokens_and_base_add_up_to_the_folded_in_score(string[] profile, string[] likes)
    {
        var (ratings, model) = Trained.Value;
        var tokens = new ProfileTokens(profile, likes);
        var prior = RankingPrior.For(model, tokens)!;
        var (start, rows) = PerUserSplit.GroupByUser(ratings);
        double worst = 0;
        for (var u = 0; u < ratings.UserCount; u += 23)
        {
            // A user's first few ratings, folded in from the prior as the service folds in a user with a profile.
            var own = rows.AsSpan(start[u], Math.Min(5, start[u + 1] - start[u])).ToArray();
            var items = own.Select(r => ratings.Item[r]).ToArray();
            var values = own.Select(r => ratings.Value[r]).ToArray();
            var served = ColdUsers.Solve(model, tokens, items, values, ColdUsers.DefaultPriorRegularization)!.RankingFactors!;
            var reasons = RankingReasons.For(model, items, values, prior);
            var contributions = new float[items.Length];
            foreach (var top in TopKScan.ForUserRanking(model, served, 10, items))
            {
                var explained = reasons.Explain(top.Item, served, RankingReasons.MaxReasons);
                reasons.Contributions(top.Item, contributions);
                var parts = contributions.Sum(c => (double)c) + explained.Base
                            + prior.Parts.Sum(p => (double)Dot(p.Vector, model.Ranking!.ItemVector(top.Item)));

                var error = Math.Abs(parts - top.Score) / top.Score;
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-4, $"user {u}, item {top.Item}: parts add up to {parts}, the score is {top.Score}");
                Assert.All(explained.Top, r => Assert.Contains(r.Item, items));
            }
        }
        output.WriteLine($"largest relative difference between the parts' sum and the score: {worst:E2}");
    }

    [Fact]
    public void Tokens_neither_map_knows_make_no_prior()
    {
        var (_, model) = Trained.Value;

        Assert.Null(RankingPrior.For(model, new ProfileTokens(["segment:unknown"], ["genre:unknown"])));
        Assert.Null(RankingPrior.For(model, ProfileTokens.None));
    }

    private static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
}
