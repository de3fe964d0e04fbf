using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using static RecommenderService.Api.Tests.Hardening.HardeningKit;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Cross-site request forgery: a browser replays Basic credentials it once gave the dashboard on any
/// request to the host, including a form another site posts. So Basic credentials open the dashboard only,
/// never an API route, and the dashboard's own forms carry an antiforgery token that a foreign page cannot read.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrossSiteRequestTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Training:JobsEnabled"] = "true",
        ["Training:PollSeconds"] = "30",
        ["Training:QueuePollSeconds"] = "30",
    };

    private HttpClient Browser(string key) => Browser(Factory, key);

    /// <summary>A client signed in with Basic credentials; cookies handled by hand, so they can move between replicas.</summary>
    private static HttpClient Browser(RecommenderApiFactory factory, string key, bool handleCookies = true)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = handleCookies });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + key)));
        return client;
    }

    [Fact]
    public async Task Basic_credentials_do_not_authenticate_api_routes()
    {
        var browser = Browser(RecommenderApiFactory.AdminKey);
        var before = await FingerprintAsync(Factory.ConnectionString);

        var put = await browser.PutAsJsonAsync("/api/v1/users/victim/ratings/i1", new { rating = 1 });
        var retrain = await browser.PostAsync("/api/v1/model/retrain", new FormUrlEncodedContent([]));
        var read = await browser.GetAsync("/api/v1/model/versions");

        foreach (var response in new[] { put, retrain, read })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
            Assert.DoesNotContain(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }
        Assert.Equal(before, await FingerprintAsync(Factory.ConnectionString));
        Assert.Equal(0, await JobCountAsync());
    }

    [Fact]
    public async Task Basic_credentials_still_open_the_dashboard()
    {
        var page = await Browser(RecommenderApiFactory.AdminKey).GetAsync("/hangfire");
        var anonymous = await Factory.CreateClient().GetAsync("/hangfire");
        var client = await Browser(RecommenderApiFactory.ClientKey).GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Recommender jobs", await page.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(anonymous.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
    }

    [Fact]
    public async Task A_dashboard_form_post_without_the_antiforgery_token_changes_nothing()
    {
        var browser = Browser(RecommenderApiFactory.AdminKey);

        // What a foreign page can make a signed-in browser send: the form, the credentials, no token.
        var forged = await browser.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "retrain")]));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(0, await JobCountAsync());
    }

    [Fact]
    public async Task A_dashboard_form_post_with_the_token_from_the_dashboard_page_works()
    {
        var browser = Browser(RecommenderApiFactory.AdminKey);
        var page = await (await browser.GetAsync("/hangfire/recurring")).Content.ReadAsStringAsync();
        var header = Meta(page, "csrf-header");
        var token = Meta(page, "csrf-token");

        var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "retrain")]),
        };
        request.Headers.Add(header, token);
        var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, await JobCountAsync());
    }

    [Fact]
    public async Task A_dashboard_form_rendered_by_one_replica_can_be_posted_to_another()
    {
        // A second replica on the same database, as behind a load balancer.
        await using var other = new RecommenderApiFactory(Factory.ConnectionString, Settings);
        var browserA = Browser(Factory, RecommenderApiFactory.AdminKey, handleCookies: false);
        var rendered = await browserA.GetAsync("/hangfire/recurring");
        var page = await rendered.Content.ReadAsStringAsync();
        var header = Meta(page, "csrf-header");
        var token = Meta(page, "csrf-token");
        // The browser's antiforgery cookie, as it would send it to whichever replica gets the POST.
        var cookie = Assert.Single(rendered.Headers.GetValues("Set-Cookie"), c => c.Contains("Antiforgery", StringComparison.OrdinalIgnoreCase)).Split(';')[0];

        var browserB = Browser(other, RecommenderApiFactory.AdminKey, handleCookies: false);
        var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "retrain")]),
        };
        request.Headers.Add(header, token);
        request.Headers.Add("Cookie", cookie);
        var response = await browserB.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(1, await JobCountAsync());
        // The key ring both replicas used is the database's, not a file of this machine's that pods would not share.
        Assert.True(await TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM data_protection_keys") >= 1);
    }

    private static string Meta(string html, string name)
    {
        var match = Regex.Match(html, $"<meta name=\"{name}\" content=\"([^\"]+)\"");
        Assert.True(match.Success, $"the dashboard page has no {name} meta tag");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private Task<long> JobCountAsync() => TestData.ScalarAsync(Factory.ConnectionString, "SELECT count(*) FROM hangfire.job");
}
