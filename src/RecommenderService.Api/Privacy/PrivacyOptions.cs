namespace RecommenderService.Api.Privacy;

/// <summary>The secret that keys the hashes of user ids the service keeps after an erasure and writes to its logs.</summary>
public sealed class PrivacyOptions
{
    public const string SectionName = "Privacy";

    /// <summary>Shorter secrets are guessable; the generated ones in the deployment files are 64 hex characters.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The key of every user-id hash written from now on (erasures, request logs). Unset, a built-in key is used,
    /// which anyone with the source can use to test guessed ids, so production sets one.
    /// </summary>
    public string? IdHashKey { get; set; }

    /// <summary>Keys used before a rotation: erasures recorded under them are still recognised and re-keyed.</summary>
    public string[] PreviousIdHashKeys { get; set; } = [];
}
