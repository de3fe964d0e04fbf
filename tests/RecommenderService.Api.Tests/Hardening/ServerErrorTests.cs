using System.Buffers.Binary;
using System.Buffers.Text;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Inputs that used to end in a 500: each must now be a clear problem that names what was wrong and
/// leaves the stored data as it was.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ServerErrorTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Training:JobsEnabled"] = "true",
        ["Training:PollSeconds"] = "30",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Something stored, so that "unchanged" means something.
        await Admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/users/u0/ratings/i0", """{"rating": 3}"""));
        await Admin.SendAsync(Raw(HttpMethod.Put, "/api/v1/items/i0", """{"title": "Zero", "attributes": {"a": 1}}"""));
    }

    // Bodies are JSON text: "\ud800" below is the six characters of a JSON escape, as a client would send them.
    [Theory]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", """{"rating": 4, "timestamp": "\ud800"}""", "timestamp")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", """{"rating": 4, "timestamp": "2024-01-01T00:00:00Z\udc00"}""", "timestamp")]
    [InlineData("POST", "/api/v1/ratings/batch", """{"ratings": [{"userId": "\udc00", "itemId": "i1", "rating": 3}]}""", "ratings[0].userId")]
    [InlineData("POST", "/api/v1/ratings/batch", """{"ratings": [{"userId": "u1", "itemId": "i1", "rating": 3, "\ud800": 1}]}""", "ratings[0]")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A", "attributes": {"genre": "\ud800x"}}""", "attributes.genre")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A", "attributes": {"\udfff": true}}""", "attributes")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A\u0000B"}""", "title")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A", "attributes": {"tags": ["x", "y\u0000"]}}""", "attributes.tags[1]")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": "A", "attributes": {"a\u0000": 1}}""", "attributes")]
    public async Task Lone_surrogates_and_nul_in_json_strings_are_400_problems_naming_the_field(string method, string path, string body, string field)
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var response = await Admin.SendAsync(Raw(new HttpMethod(method), path, body));

        await AssertFieldProblemAsync(response, field);
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }

    // Found by the fuzz suite: an int-bounded [Range] on a float hyperparameter converted the value to int and overflowed.
    [Theory]
    [InlineData("""{"regularization": 1e300}""", "regularization")]
    [InlineData("""{"biasRegularization": -3e9}""", "biasRegularization")]
    [InlineData("""{"initStdDev": 1e38}""", "initStdDev")]
    public async Task Out_of_range_float_hyperparameters_are_400_problems(string body, string field)
    {
        var response = await Admin.SendAsync(Raw(HttpMethod.Post, "/api/v1/model/retrain", body));

        await AssertFieldProblemAsync(response, field);
    }

    public static TheoryData<string> BadCursors()
    {
        Span<byte> overflowing = stackalloc byte[13];
        overflowing[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(overflowing[1..], long.MaxValue / 4);
        BinaryPrimitives.WriteInt32BigEndian(overflowing[9..], 1);
        Span<byte> farPast = stackalloc byte[13];
        farPast[0] = 1;
        BinaryPrimitives.WriteInt64BigEndian(farPast[1..], long.MinValue / 4);
        return new TheoryData<string>
        {
            "%00%00", "!!!!", "AQ", "AQAAAAAAAAAAAAAAAAA", "%FF%FE", "====", Base64Url.EncodeToString(overflowing),
            Base64Url.EncodeToString(farPast), Uri.EscapeDataString("\ud800"),
        };
    }

    [Theory]
    [MemberData(nameof(BadCursors))]
    public async Task Crafted_or_truncated_cursors_are_400_problems(string cursor)
    {
        var response = await Admin.GetAsync($"/api/v1/users/u0/ratings?cursor={cursor}");

        await AssertFieldProblemAsync(response, "cursor");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    [InlineData("-1")]
    [InlineData("1e3")]
    public async Task Non_numeric_or_huge_job_ids_are_404_problems(string jobId)
    {
        var response = await Admin.GetAsync($"/api/v1/model/jobs/{jobId}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("-99999999999")]
    [InlineData("-62135596801")]
    [InlineData("-2208988801")]
    public async Task Far_past_unix_timestamps_in_an_import_are_400_problems(string seconds)
    {
        var before = await FingerprintAsync(Factory.ConnectionString);

        var response = await Admin.PostAsync("/api/v1/ratings/import", new StringContent($"u1,i1,3,{seconds}\n", Encoding.UTF8, "text/csv"));

        var problem = await AssertFieldProblemAsync(response, "line 1");
        Assert.Contains("1900", problem.GetProperty("errors").GetProperty("line 1")[0].GetString());
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
    }
}
