namespace RecommenderService.Api.Validation;

/// <summary>The contract's limits on the caller's user and item ids (API.md, "General rules").</summary>
public static class ExternalIdLimits
{
    public const int MaxLength = 128;
}
