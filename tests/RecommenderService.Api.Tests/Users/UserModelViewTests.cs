using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Recommendations;
using RecommenderService.Api.Users;

namespace RecommenderService.Api.Tests.Users;

/// <summary>
/// A user the model knows is served from the model's own rows, read at each use, not from copies kept on the user's
/// view: copies were two long-lived arrays per user, and promoting them made the collector pause 20-50 ms at a time
/// in the first seconds after a model load.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UserModelViewTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task A_known_users_view_reads_the_models_rows_and_serves_the_models_prediction()
    {
        var ratings = TestData.PlantedRatings(seed: 21);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        var model = TestData.Train(ratings);
        await TestData.StoreActiveModelAsync(Factory.ConnectionString, model, DateTimeOffset.UtcNow);
        var serving = await Factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        Assert.NotNull(serving);

        var userId = model.Users.Ids[3];
        var user = await Factory.Services.GetRequiredService<UserRatingsCache>().GetAsync(userId, CancellationToken.None);
        var view = Factory.Services.GetRequiredService<UserModelViews>().For(serving, user);

        Assert.Equal(RecommendationStrategy.Model, view.Strategy);
        Assert.True(serving.Model.Users.TryGetIndex(userId, out var index));
        Assert.Equal(index, view.UserIndex);
        Assert.Null(view.Vector);
        Assert.Null(view.RankingVector);
        // The very memory of the served model's row, not a copy of it.
        Assert.True(Unsafe.AreSame(
            ref MemoryMarshal.GetReference(view.RatingVectorIn(serving.Model)),
            ref MemoryMarshal.GetReference(serving.Model.UserVector(index))));

        var item = model.Items.Ids[5];
        var prediction = await Client.GetFromJsonAsync<Prediction>($"/api/v1/users/{userId}/predictions/{item}");
        Assert.Equal("model", prediction!.Strategy);
        Assert.Equal(Math.Round(model.Scale.Clamp(model.Score(index, ItemIndex(model, item))), 4), prediction.PredictedRating, 4);
    }

    private static int ItemIndex(RecommenderService.Engine.FactorModel model, string item) =>
        model.Items.TryGetIndex(item, out var index) ? index : throw new InvalidOperationException(item);

    private sealed record Prediction(string UserId, string ItemId, double PredictedRating, string Strategy);
}
