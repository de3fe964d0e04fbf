using RecommenderService.Api.Items.PopularItems;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Support;

/// <summary>
/// A <see cref="ServiceTests"/> class whose service already serves a model: seeded ratings given a minute before the
/// model was trained on them (five minutes ago), the model stored as the active version and loaded, and the popular
/// list refreshed. Every seeded user is served from the model until they rate again.
/// </summary>
public abstract class TrainedServiceTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected RatingSet Ratings { get; private set; } = null!;

    protected FactorModel Model { get; private set; } = null!;

    /// <summary>The active model's version number.</summary>
    protected int Version { get; private set; }

    protected DateTimeOffset TrainedAt { get; private set; }

    /// <summary>The ratings stored and trained on; override for another data set.</summary>
    protected virtual RatingSet Seed() => TestData.PlantedRatings();

    /// <summary>The model trained on <paramref name="ratings"/>; override for other heads or settings.</summary>
    protected virtual FactorModel Train(RatingSet ratings) => TestData.Train(ratings);

    /// <summary>Runs once the model is stored, before the service loads it (e.g. to write catalogue data).</summary>
    protected virtual Task BeforeLoadAsync() => Task.CompletedTask;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Ratings = Seed();
        TrainedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        await TestData.InsertRatingsAsync(Factory.ConnectionString, Ratings, TrainedAt.AddMinutes(-1));
        Model = Train(Ratings);
        Version = await TestData.StoreActiveModelAsync(Factory.ConnectionString, Model, TrainedAt);
        await BeforeLoadAsync();
        await Factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
        await Factory.Services.GetRequiredService<PopularityCache>().RefreshAsync(CancellationToken.None);
    }
}
