using System.Text.Json;

using RecommenderService.Api.Validation;
using RecommenderService.Engine;

namespace RecommenderService.Api.Ratings;

/// <summary>
/// Reads a rating's value from JSON loosely typed on purpose (<see cref="JsonElement"/>), so a wrong type becomes an
/// error naming the field (<c>ratings[3].rating</c>); its ids and timestamp are read by <see cref="JsonFields"/>.
/// </summary>
public static class RatingInput
{
    public static float ReadRating(JsonElement? element, RatingScale scale, string field, ValidationErrors errors)
    {
        if (element is not { ValueKind: not JsonValueKind.Null } value)
        {
            errors.Add(field, "A rating is required.");
            return float.NaN;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number))
        {
            errors.Add(field, "A rating must be a JSON number.");
            return float.NaN;
        }
        var problem = RatingValue.Problem(number, scale);
        if (problem is not null) errors.Add(field, problem);
        return (float)number;
    }

}
