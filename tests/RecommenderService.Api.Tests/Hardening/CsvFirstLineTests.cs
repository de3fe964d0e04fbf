using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>The first line of a CSV import: a byte-order mark is not part of an id, and only a recognised header is skipped.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CsvFirstLineTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private Task<HttpResponseMessage> ImportAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("text/csv");
        return Admin.PostAsync("/api/v1/ratings/import", content);
    }

    private static byte[] WithBom(string text) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

    private Task<long> UsersNamedAsync(string id) => TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM users WHERE external_id = $1", id);

    [Fact]
    public async Task A_byte_order_mark_without_a_header_does_not_become_part_of_the_first_user_id()
    {
        var response = await ImportAsync(WithBom("u1,i1,3\nu2,i1,4\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
        Assert.Equal(1, await UsersNamedAsync("u1"));
        Assert.Equal(0, await UsersNamedAsync("\uFEFFu1"));
    }

    [Fact]
    public async Task A_byte_order_mark_before_a_header_is_skipped_with_it()
    {
        var response = await ImportAsync(WithBom("userId,itemId,rating,timestamp\nu1,i1,3,881250949\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
    }

    [Theory]
    [InlineData("user_id,item_id,rating,timestamp")]
    [InlineData("UserID, MovieID, Rating, Timestamp")]
    [InlineData("\"userId\",\"itemId\",\"rating\"")]
    [InlineData("user,item,rating,time")]
    public async Task Recognised_headers_are_skipped(string header)
    {
        var response = await ImportAsync(Encoding.UTF8.GetBytes($"{header}\nu1,i1,3\n"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt64());
    }

    [Theory]
    [InlineData("foo,bar,baz")]
    [InlineData("u1,i1,three")]
    [InlineData("userId,itemId,stars")]
    [InlineData("u1,i1,NaN")]
    public async Task An_unparseable_first_line_is_an_error_not_a_silently_dropped_header(string first)
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var response = await ImportAsync(Encoding.UTF8.GetBytes($"{first}\nu1,i1,3\n"));

        await AssertFieldProblemAsync(response, "line 1");
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }
}
