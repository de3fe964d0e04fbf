using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Items;

[Collection(PostgresCollection.Name)]
public sealed class SimilarItemTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    protected override RatingSet Seed() => TestData.PlantedRatings(seed: 11);

    [Fact]
    public async Task Similar_items_are_the_nearest_by_cosine_of_item_factors()
    {
        var item = Model.Items[5];

        var similar = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/items/{item}/similar?count=5");

        var expected = Enumerable.Range(0, Model.Items.Count).Where(i => i != 5)
            .OrderByDescending(i => Cosine(5, i)).Take(5).Select(i => Model.Items[i]).ToList();
        var items = similar.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(item, similar.GetProperty("itemId").GetString());
        Assert.Equal(expected, items.Select(i => i.GetProperty("itemId").GetString()));
        Assert.Equal(Cosine(5, Model.Items.Ids.ToList().IndexOf(expected[0])), items[0].GetProperty("similarity").GetDouble(), 3);
    }

    [Fact]
    public async Task An_item_newer_than_the_model_is_a_409_problem()
    {
        (await Client.PutAsJsonAsync("/api/v1/items/fresh-release", new { title = "Fresh" })).EnsureSuccessStatusCode();

        var response = await Client.GetAsync("/api/v1/items/fresh-release/similar");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private double Cosine(int a, int b)
    {
        var x = Model.ItemVector(a);
        var y = Model.ItemVector(b);
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
