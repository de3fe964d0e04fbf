using System.Security.Claims;

namespace RecommenderService.Api.Tests.Dashboard;

/// <summary>
/// Who may open the dashboard, over real HTTP against the real host: an admin (key or token, in the form or on the
/// request); a client key or a user token gets 403; a browser without a session gets the sign-in page.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardSignInTests(PostgresFixture postgres) : ServiceTests(postgres)
{
    private const string AdminClaim = "recommender_admin";

    protected override Dictionary<string, string?> Settings => UserTokens.Settings(new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Auth:Jwt:AdminClaimType"] = AdminClaim,
        ["Auth:Jwt:AdminClaimValue"] = "yes",
    });

    private static string AdminToken() => UserTokens.For("ops-1", claims: [new Claim(AdminClaim, "yes")]);

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_the_sign_in_page()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.Http.GetAsync("/dashboard/users?user=196");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/sign-in", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fdashboard%2Fusers", response.Headers.Location.Query);
        var page = await browser.GetPageAsync(response.Headers.Location.PathAndQuery);
        Assert.Contains("<label for=\"key\">Admin API key</label>", page);
        Assert.Contains("<label for=\"token\">Admin token</label>", page);
    }

    [Fact]
    public async Task Every_page_without_a_session_leads_to_the_sign_in_page()
    {
        var browser = new DashboardSession(Factory);

        foreach (var path in new[] { "/dashboard", "/dashboard/model", "/dashboard/training", "/dashboard/users", "/dashboard/items", "/dashboard/outcomes", "/dashboard/model/versions/1/activate" })
        {
            var response = await browser.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("/dashboard/sign-in", response.Headers.Location!.AbsolutePath);
        }
    }

    [Fact]
    public async Task A_client_key_gets_403()
    {
        var client = Factory.CreateClientWithKey(RecommenderApiFactory.ClientKey);

        var response = await client.GetAsync("/dashboard/model");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_user_token_gets_403()
    {
        var user = UserTokens.ClientFor(Factory, UserTokens.For("196"));

        var response = await user.GetAsync("/dashboard/users?user=196");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_admin_key_or_an_admin_token_on_the_request_opens_the_pages()
    {
        var admin = Factory.CreateClientWithKey(RecommenderApiFactory.AdminKey);
        var token = UserTokens.ClientFor(Factory, AdminToken());

        var byKey = await admin.GetAsync("/dashboard/model");
        var byToken = await token.GetAsync("/dashboard/model");

        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byToken.StatusCode);
    }

    [Fact]
    public async Task Signing_in_with_a_client_key_is_refused_with_403_and_opens_no_session()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.SignInAsync(key: RecommenderApiFactory.ClientKey);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("client key", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/dashboard/model")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_with_a_user_token_is_refused_with_403_and_opens_no_session()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.SignInAsync(token: UserTokens.For("196"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/dashboard/model")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_with_an_unknown_key_or_a_forged_token_is_refused_with_401()
    {
        var browser = new DashboardSession(Factory);

        var key = await browser.SignInAsync(key: "not-a-key-of-this-service");
        var token = await browser.SignInAsync(token: UserTokens.For("ops-1", signingKey: "another-signing-key-0123456789-abcdefghijklmnop",
            claims: [new Claim(AdminClaim, "yes")]));

        Assert.Equal(HttpStatusCode.Unauthorized, key.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/dashboard/model")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_with_the_admin_key_opens_a_session_and_returns_to_the_page_asked_for()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.SubmitAsync("/dashboard/sign-in?ReturnUrl=%2Fdashboard%2Fitems", "/dashboard/sign-in?ReturnUrl=%2Fdashboard%2Fitems",
            new Dictionary<string, string> { ["Key"] = RecommenderApiFactory.AdminKey });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/items", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("recommender-dashboard=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>Items</h1>", await browser.GetPageAsync("/dashboard/items"));
    }

    [Fact]
    public async Task Signing_in_with_an_admin_token_opens_a_session()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.SignInAsync(token: AdminToken());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/model", response.Headers.Location!.OriginalString);
        Assert.Contains("user:ops-1", await browser.GetPageAsync("/dashboard/model"));
    }

    [Fact]
    public async Task The_sign_in_never_sends_the_browser_off_the_dashboard()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.SubmitAsync("/dashboard/sign-in", "/dashboard/sign-in?ReturnUrl=https%3A%2F%2Fevil.example%2F",
            new Dictionary<string, string> { ["Key"] = RecommenderApiFactory.AdminKey });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/dashboard/model", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_antiforgery_token_is_refused()
    {
        var browser = new DashboardSession(Factory);

        var response = await browser.Http.PostAsync("/dashboard/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Key"] = RecommenderApiFactory.AdminKey }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/dashboard/model")).StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var browser = await new DashboardSession(Factory).SignedInAsync();

        var response = await browser.SubmitAsync("/dashboard/model", "/dashboard/sign-out", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.Http.GetAsync("/dashboard/model")).StatusCode);
    }

    [Fact]
    public async Task Pages_forbid_scripts_and_framing_and_are_not_cached()
    {
        var admin = Factory.CreateClientWithKey(RecommenderApiFactory.AdminKey);

        var response = await admin.GetAsync("/dashboard/model");

        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("script-src", policy);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
