using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Errors speak the caller's language: what the field must be, never the service's own type names
/// (<c>RecommenderService.Api....</c>, <c>Nullable&lt;int&gt;</c>, <c>System.Int32</c>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TypeNameLeakTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Training:JobsEnabled"] = "true",
        ["Training:PollSeconds"] = "30",
    };

    [Theory]
    [InlineData("GET", "/api/v1/items/popular?count=abc", null, "count")]
    [InlineData("GET", "/api/v1/users/u1/recommendations?count=1.5", null, "count")]
    [InlineData("GET", "/api/v1/users/u1/recommendations?excludeRated=maybe", null, "excludeRated")]
    [InlineData("GET", "/api/v1/items/i1/similar?count=x", null, "count")]
    [InlineData("PUT", "/api/v1/items/i1", "[]", "body")]
    [InlineData("PUT", "/api/v1/items/i1", "\"text\"", "body")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": 5}""", "title")]
    [InlineData("PUT", "/api/v1/items/i1", """{"title": {"a": 1}}""", "title")]
    [InlineData("PUT", "/api/v1/users/u1/ratings/i1", "[]", "body")]
    [InlineData("POST", "/api/v1/model/retrain", "[1]", "body")]
    [InlineData("POST", "/api/v1/model/retrain", """{"epochs": "ten"}""", "epochs")]
    [InlineData("POST", "/api/v1/model/retrain", """{"factors": 1.5}""", "factors")]
    public async Task Errors_say_what_the_field_must_be_without_internal_type_names(string method, string path, string? body, string field)
    {
        var response = await Admin.SendAsync(Raw(new HttpMethod(method), path, body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var text = problem.ToString();
        foreach (var leak in new[] { "RecommenderService", "Nullable", "System.", "Int32", "Double", "Boolean", "String" })
            Assert.False(text.Contains(leak, StringComparison.Ordinal), $"'{leak}' in {text}");
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
                    && messages[0].GetString()!.Contains("must be", StringComparison.Ordinal), $"errors should say what '{field}' must be: {text}");
    }

    [Theory]
    [InlineData("""{"treatment": "x", "share": 0.1}""", "treatment", "treatment must be a whole number.")]
    [InlineData("""{"treatment": 2, "share": "half"}""", "share", "share must be a number.")]
    public async Task A_wrong_type_in_a_body_built_through_its_constructor_says_what_the_member_must_be(string body, string field, string message)
    {
        var response = await Admin.SendAsync(Raw(HttpMethod.Post, "/api/v1/model/experiments", body));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(message, problem.GetProperty("errors").GetProperty(field)[0].GetString());
    }
}
