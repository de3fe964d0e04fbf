using RecommenderService.Api.Tests.Ratings;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>What the hardening tests share: raw requests, a fingerprint of the stored data, problem checks.</summary>
internal static class HardeningKit
{
    /// <summary>
    /// A digest of every row a write could touch (users, items with their catalogue data, ratings): equal
    /// before and after a refused request means it changed nothing.
    /// </summary>
    public static async Task<string> FingerprintAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT concat_ws('|',
                (SELECT md5(coalesce(string_agg(external_id || ':' || coalesce(ratings_changed_at::text, ''), ',' ORDER BY id), '')) FROM users),
                (SELECT md5(coalesce(string_agg(external_id || ':' || coalesce(title, '') || ':' || coalesce(attributes::text, ''), ',' ORDER BY id), '')) FROM items),
                (SELECT md5(coalesce(string_agg(user_id || ':' || item_id || ':' || value || ':' || rated_at, ',' ORDER BY user_id, item_id), '')) FROM ratings))
            """, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A request whose body is exactly <paramref name="body"/> (UTF-8), with the given content type.</summary>
    public static HttpRequestMessage Raw(HttpMethod method, string path, string? body, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and returns its body (the ingest tests' check).</summary>
    public static Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status) =>
        IngestTestKit.AssertProblemAsync(response, status);

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> AssertFieldProblemAsync(HttpResponseMessage response, string field)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out var errors), problem.ToString());
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        return problem;
    }
}
