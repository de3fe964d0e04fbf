using Xunit.Abstractions;

using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model.Experiments;

/// <summary>
/// Proof by simulation: a world of clustered tastes (every user likes the items of their own cluster), two versions of
/// clearly different quality (one trained on a tenth of the ratings), and 150 simulated users who look down their list
/// (less often the further down), click what they truly like and sometimes rate it. The experiment must name the better
/// version with an interval of the difference that leaves out 0, and the online figures must order the two versions as
/// their offline holdout figures do. Every draw is seeded; nothing depends on the clock.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ExperimentSimulationTests(PostgresFixture postgres, ITestOutputHelper output) : TrainedServiceTests(postgres)
{
    private const int Clusters = 5;
    private static readonly DataSplit Split = PerUserSplit.Split(TestData.ClusteredRatings(clusters: Clusters), 0.1, seed: 5);

    protected override Dictionary<string, string?> Settings => ExperimentSettings.Fast;

    /// <summary>The service holds the training part; the held-out tenth is the offline yardstick.</summary>
    protected override RatingSet Seed() => Split.Train;

    /// <summary>The active version (control): trained on every tenth rating only.</summary>
    protected override FactorModel Train(RatingSet ratings) => Learn(Tenth(ratings));

    /// <summary>The settings that learn the clustered tastes (as <see cref="RetrainSettings.Good"/>), one thread, fixed seed.</summary>
    private static FactorModel Learn(RatingSet ratings) => new SgdTrainer(new TrainingOptions
    {
        Factors = 8, LearningRate = 0.03f, InitStdDev = 0.1f, Epochs = 150, Threads = 1, Seed = 7,
    }).Train(ratings).Model;

    [Fact]
    public async Task The_experiment_names_the_better_version_and_online_figures_order_versions_as_offline_holdout_figures_do()
    {
        // Arrange: the better version, trained on every rating, stored beside the active one and tried on half the users.
        var strong = Learn(Ratings);
        var treatment = await TestData.StoreVersionAsync(Factory.ConnectionString, strong, "superseded");
        var offline = (Weak: HoldoutRmse(Model, Split.Test), Strong: HoldoutRmse(strong, Split.Test));
        var id = (await ExperimentTests.StartAsync(Admin, treatment, 0.5)).GetProperty("id").GetInt64();

        // Act: every user visits once and reacts to what they are shown.
        var behaviour = new Random(17);
        var lists = 0;
        foreach (var user in Ratings.Users.Ids)
        {
            var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=10");
            lists++;
            var recommendationId = list.GetProperty("recommendationId").GetString();
            var events = new List<object>();
            var position = 0;
            foreach (var item in list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("itemId").GetString()!))
            {
                var looked = behaviour.NextDouble() < Math.Pow(0.8, position++);
                if (!looked || !Likes(user, item) || behaviour.NextDouble() >= 0.6) continue;
                events.Add(new { userId = user, itemId = item, type = "click", recommendationId });
                if (behaviour.NextDouble() < 0.5)
                    (await Client.PutAsJsonAsync($"/api/v1/users/{user}/ratings/{item}", new { rating = 5, recommendationId })).EnsureSuccessStatusCode();
            }
            if (events.Count > 0) (await Client.PostAsJsonAsync("/api/v1/events", new { events })).EnsureSuccessStatusCode();
        }
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(30),
            async () => await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM impressions") == lists), "impressions were not all written");

        var experiment = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/model/experiments/{id}");
        var versions = (await Client.GetFromJsonAsync<JsonElement>("/api/v1/model/versions")).EnumerateArray()
            .ToDictionary(v => v.GetProperty("version").GetInt32(), v => v.GetProperty("online"));

        // Assert
        var figures = experiment.GetProperty("figures");
        var difference = figures.GetProperty("differences").GetProperty("clickThrough");
        var liked = figures.GetProperty("differences").GetProperty("likedRating");
        output.WriteLine($"holdout RMSE: weak (control, version {Version}) {offline.Weak:F3}, strong (treatment, version {treatment}) {offline.Strong:F3}");
        foreach (var arm in new[] { "control", "treatment" })
        {
            var a = figures.GetProperty(arm);
            output.WriteLine($"{arm}: {a.GetProperty("impressions")} lists, click-through {Describe(a.GetProperty("clickThrough"))}, liked rating {Describe(a.GetProperty("likedRating"))}");
        }
        output.WriteLine($"click-through difference {difference.GetProperty("difference").GetDouble():F3} [{difference.GetProperty("low").GetDouble():F3}, {difference.GetProperty("high").GetDouble():F3}]; " +
                         $"liked-rating difference {liked.GetProperty("difference").GetDouble():F3} [{liked.GetProperty("low").GetDouble():F3}, {liked.GetProperty("high").GetDouble():F3}]");
        Assert.True(offline.Strong < offline.Weak, $"the strong version's holdout RMSE {offline.Strong:F3} is not below the weak one's {offline.Weak:F3}");
        Assert.Equal("treatment", figures.GetProperty("better").GetString());
        Assert.True(difference.GetProperty("low").GetDouble() > 0, difference.ToString());
        Assert.True(liked.GetProperty("low").GetDouble() > 0, liked.ToString());
        Assert.Equal(lists, figures.GetProperty("control").GetProperty("impressions").GetInt64() + figures.GetProperty("treatment").GetProperty("impressions").GetInt64());
        // Online, as offline: the version with the lower holdout RMSE has the higher click-through and liked-rating rate.
        var (weakOnline, strongOnline) = (versions[Version], versions[treatment]);
        Assert.True(strongOnline.GetProperty("clickThrough").GetProperty("rate").GetDouble() > weakOnline.GetProperty("clickThrough").GetProperty("rate").GetDouble());
        Assert.True(strongOnline.GetProperty("likedRating").GetProperty("rate").GetDouble() > weakOnline.GetProperty("likedRating").GetProperty("rate").GetDouble());
    }

    /// <summary>The planted taste: users like the items of their own cluster (see <see cref="TestData.ClusteredRatings"/>).</summary>
    private static bool Likes(string user, string item) => (int.Parse(user, System.Globalization.CultureInfo.InvariantCulture) - 1) % Clusters == TestData.ClusterOf(item, Clusters);

    private static RatingSet Tenth(RatingSet ratings)
    {
        var builder = new RatingSetBuilder(ratings.Count / 10 + 1);
        for (var r = 0; r < ratings.Count; r += 10)
            builder.Add(ratings.Users[ratings.User[r]], ratings.Items[ratings.Item[r]], ratings.Value[r], ratings.Time[r]);
        return builder.Build();
    }

    /// <summary>RMSE on the held-out ratings; a user or item the model lacks is predicted by its global mean.</summary>
    private static double HoldoutRmse(FactorModel model, RatingSet test)
    {
        var predicted = new float[test.Count];
        var actual = new float[test.Count];
        for (var r = 0; r < test.Count; r++)
        {
            actual[r] = test.Value[r];
            predicted[r] = model.Users.TryGetIndex(test.Users[test.User[r]], out var u) && model.Items.TryGetIndex(test.Items[test.Item[r]], out var i)
                ? model.Predict(u, i)
                : model.GlobalMean;
        }
        return ErrorMetrics.Rmse(predicted, actual);
    }

    private static string Describe(JsonElement rate) =>
        $"{rate.GetProperty("rate").GetDouble():F3} [{rate.GetProperty("low").GetDouble():F3}, {rate.GetProperty("high").GetDouble():F3}] ({rate.GetProperty("count")})";
}
