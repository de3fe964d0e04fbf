using Xunit.Abstractions;


namespace RecommenderService.Api.Tests.Browser;

/// <summary>
/// Headless Chromium calls the real host (on Kestrel) with fetch from a page on another origin: from an
/// origin in Cors:AllowedOrigins a GET with X-Api-Key and a PUT with a user token succeed; from any other
/// origin the browser blocks both, and the PUT never reaches the service.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CorsBrowserTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task A_page_on_an_allowed_origin_can_call_the_service_and_one_on_another_origin_cannot()
    {
        if (!NodeScript.RequireOrSkip(new OutputAdapter(output))) return;
        await using var pages = await StaticPageServer.StartAsync();
        var (allowed, other) = (pages.Origins[0], pages.Origins[1]);
        await using var host = await KestrelApiFactory.StartAsync(postgres, UserTokens.Settings(new() { ["Cors:AllowedOrigins:0"] = allowed }));
        var admin = host.Factory.CreateClientAsAdmin();
        (await admin.PutAsJsonAsync("/api/v1/users/someone/ratings/film-1", new { rating = 5 })).EnsureSuccessStatusCode();

        var fromAllowed = await RunAsync(host, allowed, "alice");
        var fromOther = await RunAsync(host, other, "bob");

        Assert.Equal(200, fromAllowed.GetProperty("get").GetProperty("status").GetInt32());
        Assert.Equal(1, fromAllowed.GetProperty("get").GetProperty("items").GetInt32());
        // Exposed headers are readable from script.
        Assert.False(string.IsNullOrEmpty(fromAllowed.GetProperty("get").GetProperty("requestId").GetString()));
        Assert.False(string.IsNullOrEmpty(fromAllowed.GetProperty("get").GetProperty("etag").GetString()));
        Assert.Equal(201, fromAllowed.GetProperty("put").GetProperty("status").GetInt32());
        Assert.Equal("/api/v1/users/alice/ratings/film-1", fromAllowed.GetProperty("put").GetProperty("location").GetString());

        Assert.Contains("Failed to fetch", fromOther.GetProperty("get").GetProperty("error").GetString());
        Assert.Contains("Failed to fetch", fromOther.GetProperty("put").GetProperty("error").GetString());
        var alice = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/alice/ratings");
        var bob = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users/bob/ratings");
        Assert.Equal(4.5, alice.GetProperty("items")[0].GetProperty("rating").GetDouble());
        Assert.Equal(0, bob.GetProperty("items").GetArrayLength());
    }

    private async Task<JsonElement> RunAsync(KestrelApiFactory host, string pageOrigin, string user)
    {
        var (code, text) = await NodeScript.RunAsync("cors.mjs", new Dictionary<string, string>
        {
            ["API_URL"] = host.BaseAddress,
            ["PAGE_URL"] = pageOrigin + "/",
            ["API_KEY"] = RecommenderApiFactory.ClientKey,
            ["USER_TOKEN"] = UserTokens.For(user),
            ["USER_ID"] = user,
            ["ITEM_ID"] = "film-1",
        }, TimeSpan.FromSeconds(90));
        output.WriteLine(text);
        Assert.True(code == 0, text);
        var line = text.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
