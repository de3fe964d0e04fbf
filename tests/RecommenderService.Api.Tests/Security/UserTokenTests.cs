namespace RecommenderService.Api.Tests.Security;

/// <summary>
/// End-user JWTs: a token acts for its own user only (OWASP API1), never for another user and never on
/// admin or catalogue-write routes; a token that is expired, early, for another audience or issuer, or
/// forged is a 401 problem. API keys keep working beside them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UserTokenTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private HttpClient _alice = null!;

    protected override Dictionary<string, string?> Settings => UserTokens.Settings();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _alice = UserTokens.ClientFor(Factory, UserTokens.For("alice"));
        (await Admin.PutAsJsonAsync("/api/v1/items/film-1", new { title = "Film One" })).EnsureSuccessStatusCode();
        // A user token rates only items in the catalogue (Hardening/PopularTakeoverTests).
        (await Admin.PutAsJsonAsync("/api/v1/items/film-3", new { title = "Film Three" })).EnsureSuccessStatusCode();
        (await Admin.PutAsJsonAsync("/api/v1/users/bob/ratings/film-1", new { rating = 4 })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_user_token_reads_and_writes_its_own_ratings_and_reads_its_own_lists()
    {
        var put = await _alice.PutAsJsonAsync("/api/v1/users/alice/ratings/film-1", new { rating = 5 });
        var ratings = await _alice.GetFromJsonAsync<JsonElement>("/api/v1/users/alice/ratings");
        var recommendations = await _alice.GetAsync("/api/v1/users/alice/recommendations");
        var prediction = await _alice.GetAsync("/api/v1/users/alice/predictions/film-1");
        var delete = await _alice.DeleteAsync("/api/v1/users/alice/ratings/film-1");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("film-1", ratings.GetProperty("items")[0].GetProperty("itemId").GetString());
        Assert.Equal(HttpStatusCode.OK, recommendations.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prediction.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task A_user_token_reads_the_catalogue()
    {
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync("/api/v1/items/film-1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync("/api/v1/items/popular")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _alice.GetAsync("/api/v1/items?ids=film-1")).StatusCode);
        // No model yet: the route answers its own 409, so the token got past authorization.
        Assert.Equal(HttpStatusCode.Conflict, (await _alice.GetAsync("/api/v1/items/film-1/similar")).StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/users/bob/ratings")]
    [InlineData("PUT", "/api/v1/users/bob/ratings/film-1")]
    [InlineData("DELETE", "/api/v1/users/bob/ratings/film-1")]
    [InlineData("GET", "/api/v1/users/bob/recommendations")]
    [InlineData("GET", "/api/v1/users/bob/predictions/film-1")]
    public async Task Another_users_data_is_a_403_problem_and_nothing_changes(string method, string path)
    {
        var response = await _alice.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "PUT" ? JsonContent.Create(new { rating = 1 }) : null,
        });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        var bob = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/users/bob/ratings");
        Assert.Equal(4, bob.GetProperty("items")[0].GetProperty("rating").GetDouble());
    }

    [Theory]
    [InlineData("DELETE", "/api/v1/users/alice")]
    [InlineData("POST", "/api/v1/model/retrain")]
    [InlineData("GET", "/api/v1/model")]
    [InlineData("GET", "/api/v1/model/versions")]
    [InlineData("PUT", "/api/v1/items/film-2")]
    public async Task Admin_and_server_routes_are_a_403_problem(string method, string path)
    {
        var response = await _alice.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method is "PUT" or "POST" ? JsonContent.Create(new { title = "x" }) : null,
        });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.GetAsync("/api/v1/items/film-2")).StatusCode);
    }

    [Fact]
    public async Task A_csv_import_with_a_user_token_is_a_403_problem()
    {
        var response = await _alice.PostAsync("/api/v1/ratings/import", new StringContent("alice,film-1,5\n", Encoding.UTF8, "text/csv"));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_batch_with_a_user_token_may_hold_only_its_own_rows()
    {
        var own = await _alice.PostAsJsonAsync("/api/v1/ratings/batch",
            new { ratings = new[] { new { userId = "alice", itemId = "film-1", rating = 3 }, new { userId = "alice", itemId = "film-3", rating = 2 } } });
        var mixed = await _alice.PostAsJsonAsync("/api/v1/ratings/batch",
            new { ratings = new[] { new { userId = "alice", itemId = "film-4", rating = 3 }, new { userId = "bob", itemId = "film-1", rating = 1 } } });

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        await AssertProblemAsync(mixed, HttpStatusCode.Forbidden);
        var bob = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/users/bob/ratings");
        Assert.Equal(4, bob.GetProperty("items")[0].GetProperty("rating").GetDouble());
        var alice = await Admin.GetFromJsonAsync<JsonElement>("/api/v1/users/alice/ratings");
        Assert.DoesNotContain(alice.GetProperty("items").EnumerateArray(), r => r.GetProperty("itemId").GetString() == "film-4");
    }

    public static TheoryData<string> BadTokens() => new()
    {
        "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "forged", "garbage",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_a_401_problem(string kind)
    {
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "expired" => UserTokens.For("alice", notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "not-yet-valid" => UserTokens.For("alice", notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "wrong-audience" => UserTokens.For("alice", audience: "someone-else"),
            "wrong-issuer" => UserTokens.For("alice", issuer: "https://evil.test"),
            "forged" => UserTokens.For("alice", signingKey: "another-signing-key-of-enough-length-0123456789"),
            _ => "not.a.token",
        };
        var client = UserTokens.ClientFor(Factory, token);

        var response = await client.GetAsync("/api/v1/users/alice/ratings");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task User_tokens_are_rate_limited_per_user()
    {
        await using var limited = new RecommenderApiFactory(Factory.ConnectionString, UserTokens.Settings(new()
        {
            ["RateLimiting:ClientPermitsPerSecond"] = "1",
            ["RateLimiting:ClientBurst"] = "50",
        }));
        var alice = UserTokens.ClientFor(limited, UserTokens.For("alice"));
        var bob = UserTokens.ClientFor(limited, UserTokens.For("bob"));

        HttpResponseMessage last = null!;
        for (var k = 0; k < 6; k++) last = await alice.GetAsync("/api/v1/users/alice/ratings");
        var other = await bob.GetAsync("/api/v1/users/bob/ratings");

        int Remaining(HttpResponseMessage r) => int.Parse(r.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.True(Remaining(last) < 49, $"alice has {Remaining(last)} left");
        // Bob has a bucket of his own: Alice's requests did not spend it.
        Assert.Equal(49, Remaining(other));
    }

    [Fact]
    public async Task Api_keys_keep_working_for_any_user()
    {
        var client = Factory.CreateClientAsClient();

        var bob = await client.GetAsync("/api/v1/users/bob/ratings");
        var alice = await client.PutAsJsonAsync("/api/v1/users/alice/ratings/film-1", new { rating = 2 });

        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.True(alice.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Without_token_settings_a_bearer_token_is_refused()
    {
        await using var factory = await RecommenderApiFactory.CreateAsync(Postgres);
        var client = UserTokens.ClientFor(factory, UserTokens.For("alice"));

        var response = await client.GetAsync("/api/v1/users/alice/ratings");

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Auth:Jwt:SigningKey", "only-31-bytes-long-0123456789ab")]
    [InlineData("Auth:Jwt:Authority", "https://login.example.test")]
    [InlineData("Auth:Jwt:Audience", "")]
    [InlineData("Auth:Jwt:Issuer", "")]
    public async Task The_service_refuses_to_start_with_unusable_token_settings(string key, string value)
    {
        // The short key is too short; the authority beside a signing key is ambiguous; the others are missing.
        await using var factory = await RecommenderApiFactory.CreateAsync(Postgres, UserTokens.Settings(new() { [key] = value }));

        var error = Assert.ThrowsAny<Exception>(() => { factory.CreateClient(); });

        Assert.Contains("Auth:Jwt", error.ToString());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }
}
