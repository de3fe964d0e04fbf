using System.Diagnostics;

using Xunit.Abstractions;

using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Model.Experiments;

/// <summary>
/// Experiments: a stored version served to a sticky, hash-chosen share of users beside the active one, the arm named in
/// every list, stopped, promoted through the normal activation, or ended by another activation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ExperimentTests(PostgresFixture postgres) : TrainedServiceTests(postgres)
{
    private int _stored;

    protected override RatingSet Seed() => TestData.ClusteredRatings();

    protected override Dictionary<string, string?> Settings => ExperimentSettings.Fast;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _stored = await TestData.StoreVersionAsync(Factory.ConnectionString, TestData.Train(Ratings, epochs: 5), "superseded");
    }

    [Fact]
    public async Task The_treatment_is_served_to_a_sticky_hash_chosen_share_and_every_list_names_its_arm()
    {
        var started = await StartAsync(Admin, _stored, 0.3);
        var id = started.GetProperty("id").GetInt64();

        var arms = new Dictionary<string, string>();
        foreach (var user in Ratings.Users.Ids)
        {
            var first = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
            var again = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations?count=5");
            var arm = first.GetProperty("experimentArm").GetString()!;
            Assert.Equal(arm, again.GetProperty("experimentArm").GetString());
            Assert.Equal(TreatmentAssignment.IsTreated(user, id, 0.3) ? "treatment" : "control", arm);
            Assert.Equal(arm == "treatment" ? _stored : Version, first.GetProperty("modelVersion").GetInt32());
            arms[user] = arm;
        }

        Assert.Equal(("running", Version, _stored, 0.3), (started.GetProperty("status").GetString(), started.GetProperty("controlVersion").GetInt32(),
            started.GetProperty("treatmentVersion").GetInt32(), started.GetProperty("share").GetDouble()));
        Assert.InRange(arms.Values.Count(a => a == "treatment"), 25, 65); // 30 % of 150
    }

    [Fact]
    public async Task An_experiment_that_cannot_start_is_refused_with_the_reason_and_nothing_starts()
    {
        var noShare = await Admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = _stored });
        var tooLarge = await Admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = _stored, share = 0.7 });
        var unknown = await Admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = 999, share = 0.1 });
        var active = await Admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = Version, share = 0.1 });
        var client = await Client.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = _stored, share = 0.1 });
        await StartAsync(Admin, _stored, 0.1);
        var second = await Admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment = _stored, share = 0.1 });

        Assert.Equal(HttpStatusCode.BadRequest, noShare.StatusCode);
        Assert.True((await noShare.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("share", out _));
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, active.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, client.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.All(new[] { noShare, unknown, active, second }, r => Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType));
        Assert.Single((await Client.GetFromJsonAsync<JsonElement>("/api/v1/model/experiments")).EnumerateArray());
    }

    [Fact]
    public async Task A_stopped_experiment_serves_everyone_the_active_version_again()
    {
        var id = (await StartAsync(Admin, _stored, 0.5)).GetProperty("id").GetInt64();

        var stop = await Admin.PostAsync($"/api/v1/model/experiments/{id}/stop", null);
        var again = await Admin.PostAsync($"/api/v1/model/experiments/{id}/stop", null);

        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        Assert.Equal("stopped", (await stop.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        foreach (var user in Ratings.Users.Ids.Take(20))
        {
            var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/recommendations");
            Assert.Equal(JsonValueKind.Null, list.GetProperty("experimentArm").ValueKind);
            Assert.Equal(Version, list.GetProperty("modelVersion").GetInt32());
        }
    }

    [Fact]
    public async Task Promoting_activates_the_treatment_for_everyone_through_the_normal_activation()
    {
        var id = (await StartAsync(Admin, _stored, 0.2)).GetProperty("id").GetInt64();

        var promote = await Admin.PostAsync($"/api/v1/model/experiments/{id}/promote", null);

        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        var experiment = await promote.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("promoted", experiment.GetProperty("status").GetString());
        Assert.Contains($"version {_stored}", experiment.GetProperty("endReason").GetString());
        Assert.Equal(_stored, (await Client.GetFromJsonAsync<JsonElement>("/api/v1/model")).GetProperty("version").GetInt32());
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{Ratings.Users[0]}/recommendations");
        Assert.Equal((_stored, JsonValueKind.Null), (list.GetProperty("modelVersion").GetInt32(), list.GetProperty("experimentArm").ValueKind));
    }

    [Fact]
    public async Task Another_activation_ends_a_running_experiment_and_its_answer_says_so()
    {
        var other = await TestData.StoreVersionAsync(Factory.ConnectionString, TestData.Train(Ratings, epochs: 10), "superseded");
        var id = (await StartAsync(Admin, _stored, 0.2)).GetProperty("id").GetInt64();

        var activation = await Admin.PostAsync($"/api/v1/model/versions/{other}/activate", null);

        Assert.Equal(HttpStatusCode.OK, activation.StatusCode);
        var ended = (await activation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("endedExperiment");
        Assert.Equal((id, "ended"), (ended.GetProperty("id").GetInt64(), ended.GetProperty("status").GetString()));
        var experiment = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/model/experiments/{id}");
        Assert.Equal("ended", experiment.GetProperty("status").GetString());
        Assert.Contains($"version {other} was activated", experiment.GetProperty("endReason").GetString());
        Assert.Equal(JsonValueKind.Null, (await Client.GetFromJsonAsync<JsonElement>("/api/v1/model/versions")).EnumerateArray()
            .Single(v => v.GetProperty("version").GetInt32() == other).GetProperty("endedExperiment").ValueKind);
    }

    internal static async Task<JsonElement> StartAsync(HttpClient admin, int treatment, double share)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/model/experiments", new { treatment, share });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var experiment = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/model/experiments/{experiment.GetProperty("id").GetInt64()}", response.Headers.Location?.OriginalString);
        return experiment;
    }
}

/// <summary>Two replicas on one database: an experiment started or stopped through one is followed by the other.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ExperimentReplicaTests(PostgresFixture postgres, ITestOutputHelper output) : TrainedServiceTests(postgres)
{
    protected override RatingSet Seed() => TestData.ClusteredRatings();

    protected override Dictionary<string, string?> Settings => ExperimentSettings.Fast;

    [Fact]
    public async Task Both_replicas_serve_every_user_the_same_arm_once_an_experiment_starts_and_neither_after_it_stops()
    {
        var stored = await TestData.StoreVersionAsync(Factory.ConnectionString, TestData.Train(Ratings, epochs: 5), "superseded");
        await using var other = new RecommenderApiFactory(Factory.ConnectionString, Settings);
        var otherClient = other.CreateClientAsClient();
        var users = Ratings.Users.Ids.Take(30).ToArray();
        Assert.All(await ArmsAsync(otherClient, users), arm => Assert.Null(arm));

        var watch = Stopwatch.StartNew();
        var id = (await ExperimentTests.StartAsync(Admin, stored, 0.5)).GetProperty("id").GetInt64();
        var expected = users.Select(u => (string?)(TreatmentAssignment.IsTreated(u, id, 0.5) ? "treatment" : "control")).ToArray();
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10), async () => (await ArmsAsync(otherClient, users)).SequenceEqual(expected)),
            "the other replica did not follow the start");
        var followedStart = watch.Elapsed;
        Assert.Equal(expected, await ArmsAsync(Client, users));

        watch.Restart();
        (await Admin.PostAsync($"/api/v1/model/experiments/{id}/stop", null)).EnsureSuccessStatusCode();
        Assert.True(await Eventually.TrueWithinAsync(TimeSpan.FromSeconds(10), async () => (await ArmsAsync(otherClient, users)).All(a => a is null)),
            "the other replica did not follow the stop");
        output.WriteLine($"the other replica followed the start in {followedStart.TotalMilliseconds:F0} ms and the stop in {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    private static async Task<string?[]> ArmsAsync(HttpClient client, string[] users)
    {
        var arms = new string?[users.Length];
        for (var k = 0; k < users.Length; k++)
        {
            var list = await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{users[k]}/recommendations?count=3");
            arms[k] = list.GetProperty("experimentArm").GetString();
        }
        return arms;
    }
}

/// <summary>Settings of the experiment tests: fast replica heartbeats so activations do not wait, figures never cached.</summary>
internal static class ExperimentSettings
{
    public static Dictionary<string, string?> Fast => new()
    {
        ["RateLimiting:Enabled"] = "false",
        ["Training:HeartbeatSeconds"] = "0.5",
        ["Training:PreloadTimeoutSeconds"] = "10",
        ["Outcomes:FiguresCacheSeconds"] = "0",
    };
}
