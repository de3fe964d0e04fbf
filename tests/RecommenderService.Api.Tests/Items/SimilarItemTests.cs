using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RecommenderService.Api.Model.Loading;
using RecommenderService.Api.Tests.Support;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items;

[Collection(PostgresCollection.Name)]
public sealed class SimilarItemTests(PostgresFixture postgres) : IAsyncLifetime
{
    private RecommenderApiFactory _factory = null!;
    private HttpClient _client = null!;
    private FactorModel _model = null!;

    public async Task InitializeAsync()
    {
        _factory = await RecommenderApiFactory.CreateAsync(postgres);
        _client = _factory.CreateClientAsClient();
        var ratings = TestData.PlantedRatings(seed: 11);
        await TestData.InsertRatingsAsync(_factory.ConnectionString, ratings, DateTimeOffset.UtcNow.AddHours(-1));
        _model = TestData.Train(ratings);
        await TestData.StoreActiveModelAsync(_factory.ConnectionString, _model, DateTimeOffset.UtcNow);
        await _factory.Services.GetRequiredService<ActiveModelLoader>().LoadActiveAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Similar_items_are_the_nearest_by_cosine_of_item_factors()
    {
        var item = _model.Items[5];

        var similar = await _client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}/similar?count=5");

        var expected = Enumerable.Range(0, _model.Items.Count).Where(i => i != 5)
            .OrderByDescending(i => Cosine(5, i)).Take(5).Select(i => _model.Items[i]).ToList();
        var items = similar.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(item, similar.GetProperty("itemId").GetString());
        Assert.Equal(expected, items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(Cosine(5, _model.Items.Ids.ToList().IndexOf(expected[0])), items[0].GetProperty("similarity").GetDouble(), 3);
    }

    [Fact]
    public async Task An_item_newer_than_the_model_is_a_409_problem()
    {
        (await _client.PutAsJsonAsync("/api/v1/items/fresh-release", new { title = "Fresh" })).EnsureSuccessStatusCode();

        var response = await _client.GetAsync("/api/v1/items/fresh-release/similar");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private double Cosine(int a, int b)
    {
        var x = _model.ItemVector(a);
        var y = _model.ItemVector(b);
        double dot = 0, nx = 0, ny = 0;
        for (var k = 0; k < x.Length; k++)
        {
            dot += x[k] * y[k];
            nx += x[k] * x[k];
            ny += y[k] * y[k];
        }
        return dot / Math.Sqrt(nx * ny);
    }
}
