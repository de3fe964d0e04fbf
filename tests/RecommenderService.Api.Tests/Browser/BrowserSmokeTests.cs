using Xunit.Abstractions;

namespace RecommenderService.Api.Tests.Browser;

/// <summary>The harness itself: headless Chromium loads the real host's liveness page over a real socket.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserSmokeTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Chromium_reaches_the_real_host()
    {
        if (!NodeScript.RequireOrSkip(new OutputAdapter(output))) return;
        await using var host = await KestrelApiFactory.StartAsync(postgres);
        var (code, text) = await NodeScript.RunAsync("smoke.mjs", new Dictionary<string, string> { ["BASE_URL"] = host.BaseAddress }, TimeSpan.FromSeconds(60));
        output.WriteLine(text);
        Assert.True(code == 0, text);
        Assert.Contains("Healthy", text);
    }
}

/// <summary>Adapts xunit's output helper to <see cref="ITestOutputHelperLike"/>.</summary>
public sealed class OutputAdapter(ITestOutputHelper output) : ITestOutputHelperLike
{
    public void WriteLine(string message) => output.WriteLine(message);
}
