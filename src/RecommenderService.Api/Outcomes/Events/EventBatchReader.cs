using System.Text.Json;

using RecommenderService.Api.Validation;

using static RecommenderService.Api.Validation.JsonMembers;

namespace RecommenderService.Api.Outcomes.Events;

/// <summary>
/// Reads an event batch from its JSON document field by field, so every wrong field of every row is reported by name
/// (<c>events[3].type</c>) and one bad row rejects the batch.
/// </summary>
public static class EventBatchReader
{
    public const int MaxEvents = 1000;

    /// <summary>The events of <paramref name="root"/>; empty with <paramref name="errors"/> filled when any is wrong.</summary>
    public static List<OutcomeEvent> Read(JsonElement root, IReadOnlyList<string> types, DateTime now, ValidationErrors errors)
    {
        if (Property(root, "events") is not { ValueKind: JsonValueKind.Array } rows)
        {
            errors.Add("events", "A list of events is required: {\"events\": [{\"userId\", \"itemId\", \"type\", \"timestamp\"?, \"recommendationId\"?, \"value\"?}, ...]}.");
            return [];
        }
        var count = rows.GetArrayLength();
        if (count == 0) errors.Add("events", "The batch is empty.");
        if (count > MaxEvents)
        {
            errors.Add("events", $"A batch holds at most {MaxEvents:N0} events; this one has {count:N0}. Split it.");
            return [];
        }
        var events = new List<OutcomeEvent>(count);
        var i = -1;
        foreach (var row in rows.EnumerateArray())
        {
            i++;
            var prefix = $"events[{i}]";
            if (row.ValueKind != JsonValueKind.Object)
            {
                errors.Add(prefix, "An event object is required.");
                continue;
            }
            var before = errors.Count;
            var userId = JsonFields.ReadId(Property(row, "userId"), prefix + ".userId", errors);
            var itemId = JsonFields.ReadId(Property(row, "itemId"), prefix + ".itemId", errors);
            var type = ReadType(Property(row, "type"), types, prefix + ".type", errors);
            var at = JsonFields.ReadTimestamp(Property(row, "timestamp"), now, prefix + ".timestamp", errors);
            var recommendationId = ReadRecommendationId(Property(row, "recommendationId"), prefix + ".recommendationId", errors);
            var value = ReadValue(Property(row, "value"), prefix + ".value", errors);
            if (errors.Count == before) events.Add(new OutcomeEvent(userId!, itemId!, type!, at, recommendationId, value));
        }
        return errors.IsEmpty ? events : [];
    }

    /// <summary>A list's id cited by an event or a rating; null when absent.</summary>
    public static Guid? ReadRecommendationId(JsonElement? element, string field, ValidationErrors errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } value) return null;
        if (value.ValueKind == JsonValueKind.String && RecommendationIds.TryParse(value.GetString(), out var id)) return id;
        errors.Add(field, RecommendationIds.Problem);
        return null;
    }

    private static string? ReadType(JsonElement? element, IReadOnlyList<string> types, string field, ValidationErrors errors)
    {
        var type = element is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        if (type is not null && types.Contains(type, StringComparer.Ordinal)) return type;
        errors.Add(field, $"The type must be one of {string.Join(", ", types)}" + (type is null ? "." : $"; got '{Truncate(type)}'."));
        return null;
    }

    private static double? ReadValue(JsonElement? element, string field, ValidationErrors errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } value) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)) return number;
        errors.Add(field, "A value must be a finite JSON number.");
        return null;
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
