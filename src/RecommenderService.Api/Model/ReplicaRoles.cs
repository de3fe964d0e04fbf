namespace RecommenderService.Api.Model;

/// <summary>
/// What a replica does (setting <c>Roles</c>): <c>api</c> serves requests and never trains, so it needs no training
/// memory; <c>trainer</c> runs the job server and the retrains; <c>api,trainer</c>, the default, does both. Every
/// replica loads and swaps the active model, and any replica with jobs can queue a retrain for a trainer to run.
/// </summary>
public sealed record ReplicaRoles(bool Serves, bool Trains)
{
    public const string SettingName = "Roles";

    public static ReplicaRoles Both { get; } = new(true, true);

    /// <summary>The roles configured; a value other than a list of <c>api</c> and <c>trainer</c> stops the start.</summary>
    public static ReplicaRoles From(IConfiguration configuration) => Parse(configuration[SettingName]);

    public static ReplicaRoles Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return Both;
        bool serves = false, trains = false;
        foreach (var role in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (role.Equals("api", StringComparison.OrdinalIgnoreCase)) serves = true;
            else if (role.Equals("trainer", StringComparison.OrdinalIgnoreCase)) trains = true;
            else throw new InvalidOperationException(
                $"{SettingName} must be 'api', 'trainer' or 'api,trainer' (the default); '{role}' is not a role.");
        }
        if (!serves && !trains)
            throw new InvalidOperationException($"{SettingName} must name at least one of 'api' and 'trainer'.");
        return new ReplicaRoles(serves, trains);
    }

    public override string ToString() => Serves && Trains ? "api,trainer" : Serves ? "api" : "trainer";
}
