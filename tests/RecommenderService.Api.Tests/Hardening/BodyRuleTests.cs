using System.Text.Encodings.Web;


using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>JSON bodies are one JSON value and nothing more; the batch limit admits every legal batch.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BodyRuleTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/users/u0/ratings/i0", """{"rating": 3}"""));
    }

    [Theory]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", """{"rating": 4} xyz""")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", """{"rating": 4}{"rating": 5}""")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", """{"rating": 4}]""")]
    [InlineData("POST", "/api/v1/ratings/batch", """{"ratings": [{"userId": "u1", "itemId": "i1", "rating": 3}]} ,""")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A"} null""")]
    [InlineData("POST", "/api/v1/model/retrain", """{"factors": 8} x""")]
    public async Task Trailing_text_after_a_json_body_is_a_400_problem_and_nothing_is_stored(string method, string path, string body)
    {
        var before = await FingerprintAsync(Factory.ConnectionString);
        var versions = await ScalarAsync("SELECT count(*) FROM model_versions");

        var response = await Admin.SendAsync(Raw(new HttpMethod(method), path, body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
        Assert.Equal(versions, await ScalarAsync("SELECT count(*) FROM model_versions"));
    }

    [Fact]
    public async Task A_full_batch_of_maximal_non_ascii_ids_escaped_as_json_does_is_accepted()
    {
        // System.Text.Json's default encoder writes every non-ASCII character as \uXXXX: six bytes a
        // character, the largest a legal 128-character id can get. Plus a timestamp with an offset.
        var rows = new List<object>(10_000);
        for (var i = 0; i < 10_000; i++)
            rows.Add(new { userId = Id('ü', i), itemId = Id('\u4e00', i), rating = 4.5, timestamp = "2024-01-01T12:34:56.1234567+01:00" });
        var body = JsonSerializer.SerializeToUtf8Bytes(new { ratings = rows }, new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default });
        Assert.True(body.Length > 15_000_000, $"the batch is {body.Length:N0} bytes");

        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var response = await Admin.PostAsync("/api/v1/ratings/batch", content);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(10_001, await ScalarAsync("SELECT count(*) FROM ratings"));
    }

    /// <summary>128 non-ASCII characters, distinct per <paramref name="n"/>.</summary>
    private static string Id(char fill, int n)
    {
        var chars = Enumerable.Repeat(fill, 128).ToArray();
        for (var k = 0; k < 4; k++, n /= 10) chars[k] = (char)('\u0660' + n % 10); // Arabic-Indic digits
        return new string(chars);
    }

    private Task<long> ScalarAsync(string sql) => TestData.ScalarAsync(Factory.ConnectionString, sql);
}
