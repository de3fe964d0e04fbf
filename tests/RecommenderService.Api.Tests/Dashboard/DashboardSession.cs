using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RecommenderService.Api.Tests.Dashboard;

/// <summary>
/// A browser on the dashboard, over real HTTP: it keeps cookies, does not follow redirects (so tests see them), and
/// posts forms with the antiforgery token the page it came from carried, as a browser submitting the form would.
/// </summary>
public sealed partial class DashboardSession(RecommenderApiFactory factory)
{
    public HttpClient Http { get; } = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Signs in through the form with a key or a token; returns the answer to the form's POST.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string? key = null, string? token = null)
    {
        var form = new Dictionary<string, string> { ["Key"] = key ?? "", ["Token"] = token ?? "" };
        return await SubmitAsync("/dashboard/sign-in", "/dashboard/sign-in", form);
    }

    /// <summary>Signs in with the admin key and checks that a session was opened.</summary>
    public async Task<DashboardSession> SignedInAsync()
    {
        var response = await SignInAsync(RecommenderApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return this;
    }

    /// <summary>Opens <paramref name="page"/>, reads its form's antiforgery token, and posts <paramref name="fields"/> with it to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string page, string action, IReadOnlyDictionary<string, string> fields)
    {
        var html = await GetPageAsync(page);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = AntiforgeryToken(html) };
        return await Http.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>The page's HTML, which must answer 200.</summary>
    public async Task<string> GetPageAsync(string path)
    {
        var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    public static string AntiforgeryToken(string html)
    {
        var match = TokenField().Match(html);
        Assert.True(match.Success, "the page has no antiforgery token field");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("<input name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
