using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Validation;

/// <summary>The contract's rule for user and item ids: 1-128 characters, no whitespace or control characters.</summary>
public static class ExternalId
{
    /// <summary>Null when <paramref name="id"/> is a valid id, otherwise the reason, worded for a problem's <c>errors</c>.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "An id is required (1-128 characters).";
        if (id.Length > ExternalIdLimits.MaxLength) return $"An id is at most {ExternalIdLimits.MaxLength} characters long; this one has {id.Length}.";
        foreach (var c in id)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return "An id may not contain whitespace or control characters.";
            if (char.IsSurrogate(c) && !char.IsSurrogatePair(id, id.IndexOf(c)))
                return "An id must be valid UTF-16 text.";
        }
        return null;
    }

    public static bool IsValid(string? id) => Problem(id) is null;
}
