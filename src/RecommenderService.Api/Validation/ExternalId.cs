namespace RecommenderService.Api.Validation;

/// <summary>
/// The contract's rule for user and item ids: 1-128 UTF-16 code units of valid Unicode text (characters
/// outside the BMP, such as emoji, are two), no whitespace or control characters, and no '/'. The slash is
/// refused everywhere (JSON bodies, batches, CSV imports, paths) because an id must be reachable by path,
/// and a path segment cannot carry one: "%2F" is not decoded by the server, and proxies treat it differently.
/// </summary>
public static class ExternalId
{
    /// <summary>Null when <paramref name="id"/> is a valid id, otherwise the reason, worded for a problem's <c>errors</c>.</summary>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "An id is required (1-128 characters).";
        if (id.Length > ExternalIdLimits.MaxLength) return $"An id is at most {ExternalIdLimits.MaxLength} characters long; this one has {id.Length}.";
        for (var i = 0; i < id.Length; i++)
        {
            var c = id[i];
            if (char.IsHighSurrogate(c) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++; // a pair: one character outside the BMP
                continue;
            }
            if (char.IsSurrogate(c))
                return "An id must be valid Unicode text (a lone UTF-16 surrogate is not).";
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return "An id may not contain whitespace or control characters.";
            if (c == '/')
                return "An id may not contain '/': ids travel in URL paths, where a slash cannot be part of one.";
        }
        return null;
    }

    public static bool IsValid(string? id) => Problem(id) is null;
}
