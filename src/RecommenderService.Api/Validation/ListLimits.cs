namespace RecommenderService.Api.Validation;

/// <summary>Bounds on list sizes from API.md: <c>count</c> 1-100 (default 10), <c>limit</c> 1-1000 (default 50).</summary>
public static class ListLimits
{
    public const int DefaultCount = 10;
    public const int MaxCount = 100;
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public static void CheckCount(int? count, ValidationErrors errors)
    {
        if (count is < 1 or > MaxCount) errors.Add("count", $"count must be between 1 and {MaxCount}.");
    }

    public static void CheckLimit(int? limit, ValidationErrors errors)
    {
        if (limit is < 1 or > MaxLimit) errors.Add("limit", $"limit must be between 1 and {MaxLimit}.");
    }
}
