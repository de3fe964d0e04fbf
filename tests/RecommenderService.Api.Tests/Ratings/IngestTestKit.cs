namespace RecommenderService.Api.Tests.Ratings;

/// <summary>What the rating-ingest tests share: a host on a fresh database, direct reads of the tables, problem checks.</summary>
internal static class IngestTestKit
{
    /// <summary>Rate limiting (if configured) would turn the load tests into a test of the limiter.</summary>
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["RateLimiting:Enabled"] = "false",
    };

    public static Task<RecommenderApiFactory> CreateFactoryAsync(PostgresFixture postgres) =>
        RecommenderApiFactory.CreateAsync(postgres, Settings);

    public static async Task<long> CountAsync(RecommenderApiFactory factory, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static Task<long> RatingCountAsync(RecommenderApiFactory factory) => CountAsync(factory, "SELECT count(*) FROM ratings");

    /// <summary>The stored rating of a pair by external ids, or null.</summary>
    public static async Task<(float Value, DateTime RatedAt)?> StoredRatingAsync(RecommenderApiFactory factory, string userId, string itemId)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT r.value, r.rated_at FROM ratings r JOIN users u ON u.id = r.user_id JOIN items i ON i.id = r.item_id
            WHERE u.external_id = $1 AND i.external_id = $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        command.Parameters.Add(new NpgsqlParameter { Value = itemId });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? (reader.GetFloat(0), reader.GetDateTime(1)) : null;
    }

    public static Task<HttpResponseMessage> PutRatingAsync(HttpClient client, string userId, string itemId, object body) =>
        client.PutAsJsonAsync($"/api/v1/users/{Uri.EscapeDataString(userId)}/ratings/{Uri.EscapeDataString(itemId)}", body);

    /// <summary>Asserts an RFC 9457 problem with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("   at ", text); // no stack trace
        return problem;
    }

    /// <summary>Asserts a 400 validation problem naming exactly <paramref name="fields"/> and returns the errors.</summary>
    public static async Task<JsonElement> AssertValidationProblemAsync(HttpResponseMessage response, params string[] fields)
    {
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        var named = errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(fields.Order(StringComparer.Ordinal).ToArray(), named);
        return errors;
    }
}
