using System.Text.Json;

namespace RecommenderService.Api.Validation;

/// <summary>
/// Reads the id and timestamp fields of a batch row (a rating, an event) from JSON loosely typed on purpose
/// (<see cref="JsonElement"/>), so a wrong type becomes an error naming the field (<c>ratings[3].userId</c>) instead of
/// one opaque parse failure, and a batch can report every bad row at once.
/// </summary>
public static class JsonFields
{
    public static string? ReadId(JsonElement? element, string field, ValidationErrors errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } value)
        {
            errors.Add(field, "An id is required (1-128 characters).");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "An id must be a JSON string (numeric-looking ids too: \"196\").");
            return null;
        }
        var id = value.GetString();
        errors.AddIdProblem(field, id);
        return ExternalId.IsValid(id) ? id : null;
    }

    /// <summary>Null when absent (the service then uses the time it received the row).</summary>
    public static DateTime? ReadTimestamp(JsonElement? element, DateTime now, string field, ValidationErrors errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } value) return null;
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(field, "A timestamp must be an ISO-8601 string such as \"2024-01-01T12:00:00Z\".");
            return null;
        }
        var problem = Timestamps.TryParseIso(value.GetString(), now, out var utc);
        if (problem is null) return utc;
        errors.Add(field, problem);
        return null;
    }
}
