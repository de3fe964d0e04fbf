using System.Text.Json;
using RecommenderService.Api.Validation;
using RecommenderService.Engine;

namespace RecommenderService.Api.Users;

/// <summary>
/// The rules a profile's <c>attributes</c> must meet (docs/api.md, "Users"): a bounded JSON object of strings, numbers,
/// booleans and arrays of strings, with <c>likes</c> an object of the same kind. Checked whole, so one bad value names
/// its path in the <c>errors</c> map and nothing is stored.
/// </summary>
public static class UserProfileRules
{
    public const int MaxProperties = 32;
    public const int MaxArrayLength = 50;
    public const int MaxStringLength = 200;
    public const int MaxKeyLength = 64;

    /// <summary>Adds a problem per wrong value of <paramref name="attributes"/> to <paramref name="errors"/>.</summary>
    public static void Check(JsonElement? attributes, ValidationErrors errors)
    {
        if (attributes is not { ValueKind: JsonValueKind.Object } value)
        {
            errors.Add("attributes", "attributes is required: a JSON object, e.g. {\"age\": 24, \"likes\": {\"genres\": [\"Sci-Fi\"]}}.");
            return;
        }
        CheckObject(value, "attributes", errors, allowLikes: true);
    }

    private static void CheckObject(JsonElement value, string path, ValidationErrors errors, bool allowLikes)
    {
        var count = 0;
        foreach (var property in value.EnumerateObject())
        {
            var at = $"{path}.{property.Name}";
            if (++count > MaxProperties)
            {
                errors.Add(path, $"At most {MaxProperties} properties.");
                return;
            }
            if (property.Name.Length is 0 or > MaxKeyLength)
            {
                errors.Add(at, $"A property name is 1-{MaxKeyLength} characters.");
                continue;
            }
            if (allowLikes && property.NameEquals(UserAttributeTokens.LikesKey))
            {
                if (property.Value.ValueKind != JsonValueKind.Object) errors.Add(at, "likes must be a JSON object, e.g. {\"genres\": [\"Sci-Fi\"]}.");
                else CheckObject(property.Value, at, errors, allowLikes: false);
                continue;
            }
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    CheckString(property.Value, at, errors);
                    break;
                case JsonValueKind.Number:
                    if (!property.Value.TryGetDouble(out var number) || !double.IsFinite(number)) errors.Add(at, "The number is out of range.");
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    break;
                case JsonValueKind.Array:
                    var length = 0;
                    foreach (var element in property.Value.EnumerateArray())
                    {
                        if (++length > MaxArrayLength)
                        {
                            errors.Add(at, $"At most {MaxArrayLength} values.");
                            break;
                        }
                        if (element.ValueKind != JsonValueKind.String) errors.Add($"{at}[{length - 1}]", "Array values must be strings.");
                        else CheckString(element, $"{at}[{length - 1}]", errors);
                    }
                    break;
                default:
                    errors.Add(at, "A value must be a string, a number, a boolean or an array of strings.");
                    break;
            }
        }
    }

    private static void CheckString(JsonElement value, string at, ValidationErrors errors)
    {
        var text = value.GetString()!;
        if (text.Length > MaxStringLength) errors.Add(at, $"A string is at most {MaxStringLength} characters.");
    }
}
