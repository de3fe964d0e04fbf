using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RecommenderService.Engine;

/// <summary>
/// Turns a user's <c>attributes</c> JSON into the tokens of the user attribute map (<see cref="FactorModel.UserAttributeMap"/>)
/// and the item attribute tokens of their onboarding likes. One definition, used by <c>recsys</c> and the service alike,
/// so a profile means at serving time what it meant at training time.
/// </summary>
/// <remarks>
/// <para>Rules, per property (<c>key</c>), arrays taking each element on its own:</para>
/// <list type="bullet">
/// <item>a string: <c>key:value</c>, trimmed and lower-cased (profiles come from forms: "Engineer" and "engineer" are one
/// group);</item>
/// <item>a postal code (keys <c>zip</c>, <c>zipcode</c>, <c>zip_code</c>, <c>postcode</c>, <c>postal_code</c>,
/// <c>postalcode</c>): its first 1, 2 and 3 characters (<c>zip:9</c>, <c>zip:94</c>, <c>zip:940</c>): a whole code is
/// nearly one user's, its prefixes are regions the map can learn from;</item>
/// <item><c>age</c>: a band (<c>age:under-18</c>, <c>18-24</c>, <c>25-34</c>, <c>35-44</c>, <c>45-54</c>, <c>55+</c>);
/// any other number: a 1-2-5 magnitude band (<c>income:20000-49999</c>, <c>children:2-4</c>, <c>score:0</c>), since a
/// number is a quantity here, and 31 and 32 should say the same thing;</item>
/// <item>a boolean: <c>key:true</c> or <c>key:false</c>; null, nested objects and arrays in arrays give nothing.</item>
/// </list>
/// <para><c>likes</c> is not part of the profile: it holds the user's onboarding picks in the items' own attribute terms
/// (<c>{"likes": {"genres": ["Sci-Fi"]}}</c>) and gives item tokens <c>key:value</c> exactly as items' attributes do
/// (case kept, numbers as written), to be read through the item attribute map.</para>
/// </remarks>
public static class UserAttributeTokens
{
    /// <summary>The property that holds onboarding picks rather than profile data.</summary>
    public const string LikesKey = "likes";

    private static readonly HashSet<string> CodeKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "zip", "zipcode", "zip_code", "postcode", "postal_code", "postalcode",
    };

    /// <summary>The profile tokens and liked item tokens of <paramref name="attributes"/>; empty for anything but an object.</summary>
    public static ProfileTokens From(JsonElement attributes)
    {
        if (attributes.ValueKind != JsonValueKind.Object) return ProfileTokens.None;
        var profile = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] likes = [];
        foreach (var property in attributes.EnumerateObject())
        {
            if (property.NameEquals(LikesKey))
            {
                likes = AttributeTokens.Of(property.Value);
                continue;
            }
            var key = property.Name.Trim().ToLowerInvariant();
            if (property.Value.ValueKind == JsonValueKind.Array)
                foreach (var element in property.Value.EnumerateArray()) AddProfile(key, element, profile, seen);
            else
                AddProfile(key, property.Value, profile, seen);
        }
        return new ProfileTokens(profile.ToArray(), likes);
    }

    /// <summary>The tokens of an <c>attributes</c> JSON text; none when it is not a JSON object.</summary>
    public static ProfileTokens FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return From(document.RootElement);
        }
        catch (JsonException)
        {
            return ProfileTokens.None;
        }
    }

    /// <summary>The age band of <paramref name="age"/> in years.</summary>
    public static string AgeBand(double age) => age switch
    {
        < 18 => "under-18",
        < 25 => "18-24",
        < 35 => "25-34",
        < 45 => "35-44",
        < 55 => "45-54",
        _ => "55+",
    };

    /// <summary>
    /// The 1-2-5 band holding <paramref name="value"/>: <c>0</c>, or <c>lo-hi</c> with lo one of 1, 2, 5 × 10ⁿ and hi the
    /// next band's start minus one (integers) or its start (fractions: <c>0.1-0.2</c>); negative values get a leading minus.
    /// </summary>
    public static string MagnitudeBand(double value)
    {
        if (value == 0 || !double.IsFinite(value)) return "0";
        var sign = value < 0 ? "-" : "";
        var size = Math.Abs(value);
        var decade = Math.Pow(10, Math.Floor(Math.Log10(size)));
        var lead = size / decade;
        var (low, high) = lead < 2 ? (decade, 2 * decade) : lead < 5 ? (2 * decade, 5 * decade) : (5 * decade, 10 * decade);
        return low >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{low:0}-{high - 1:0}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{low:0.##########}-{high:0.##########}");
    }

    private static void AddProfile(string key, JsonElement value, List<string> tokens, HashSet<string> seen)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!.Trim();
                if (text.Length == 0) return;
                if (CodeKeys.Contains(key))
                {
                    var code = NormalisedCode(text);
                    for (var length = 1; length <= Math.Min(3, code.Length); length++) Add(tokens, seen, key, code[..length]);
                }
                else
                {
                    Add(tokens, seen, key, text.ToLowerInvariant());
                }
                return;
            case JsonValueKind.Number:
                var number = value.GetDouble();
                Add(tokens, seen, key, key == "age" ? AgeBand(number) : MagnitudeBand(number));
                return;
            case JsonValueKind.True:
                Add(tokens, seen, key, "true");
                return;
            case JsonValueKind.False:
                Add(tokens, seen, key, "false");
                return;
        }
    }

    private static string NormalisedCode(string code)
    {
        var builder = new StringBuilder(code.Length);
        foreach (var c in code)
            if (char.IsLetterOrDigit(c)) builder.Append(char.ToUpperInvariant(c));
        return builder.ToString();
    }

    private static void Add(List<string> tokens, HashSet<string> seen, string key, string value)
    {
        var token = key + ":" + value;
        if (seen.Add(token)) tokens.Add(token);
    }
}
