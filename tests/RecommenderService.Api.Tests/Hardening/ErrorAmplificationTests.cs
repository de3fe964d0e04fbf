using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// A small bad request gets a small answer: a batch of 10,000 empty rows (30 KB) lists its first errors and counts
/// the rest, as the CSV import does, instead of answering with megabytes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ErrorAmplificationTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    [Fact]
    public async Task A_batch_of_ten_thousand_empty_rows_lists_ten_errors_and_counts_the_rest()
    {
        var body = "{\"ratings\":[" + string.Join(",", Enumerable.Repeat("{}", 10_000)) + "]}";
        var before = await FingerprintAsync(Factory.ConnectionString);

        var response = await Client.PostAsync("/api/v1/ratings/batch", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertFieldProblemAsync(response, "ratings[0].userId");
        var text = problem.ToString();
        Assert.True(text.Length < 4 * 1024, $"a {body.Length:N0}-byte request got a {text.Length:N0}-byte answer");
        Assert.Equal(10, problem.GetProperty("errors").EnumerateObject().Count());
        // 10,000 rows × 3 required fields (the timestamp may be left out), ten of them listed.
        Assert.Contains("29,990 more", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }

    [Fact]
    public async Task A_batch_with_a_few_errors_still_lists_every_one()
    {
        var body = """{"ratings":[{"userId":"u1","itemId":"i1","rating":9},{"userId":"","itemId":"i2","rating":3}]}""";

        var response = await Client.PostAsync("/api/v1/ratings/batch", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await AssertFieldProblemAsync(response, "ratings[0].rating");
        Assert.True(problem.GetProperty("errors").TryGetProperty("ratings[1].userId", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
