using System.Globalization;
using System.Text.Json;

namespace RecommenderService.Engine;

/// <summary>
/// Reads user attributes: either lines <c>user TAB {json}</c> (the <c>attributes</c> object the service stores), or
/// MovieLens-100k's <c>u.user</c> (<c>id|age|gender|occupation|zip</c>), read as
/// <c>{"age": 24, "gender": "M", "occupation": "technician", "zip": "85711"}</c>. Either way the tokens are
/// <see cref="UserAttributeTokens"/>'s, as the service makes them.
/// </summary>
public static class UserAttributeFile
{
    /// <summary>Tokens by user id.</summary>
    /// <exception cref="RatingFileException">A line is neither format.</exception>
    public static Dictionary<string, ProfileTokens> Read(string path)
    {
        var result = new Dictionary<string, ProfileTokens>(StringComparer.Ordinal);
        var line = 0;
        foreach (var text in File.ReadLines(path, System.Text.Encoding.Latin1))
        {
            line++;
            if (text.Length == 0) continue;
            var tab = text.IndexOf('\t');
            if (tab > 0)
            {
                var tokens = UserAttributeTokens.FromJson(text[(tab + 1)..]);
                if (text[(tab + 1)..].TrimStart().StartsWith('{') is false)
                    throw new RatingFileException(path, line, "expected 'user TAB {json object}'");
                result[text[..tab]] = tokens;
                continue;
            }
            var fields = text.Split('|');
            if (fields.Length != 5 || fields[0].Length == 0 || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var age))
                throw new RatingFileException(path, line, "expected 'user TAB {json}' or a MovieLens u.user line (id|age|gender|occupation|zip)");
            var json = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["age"] = age, ["gender"] = fields[2], ["occupation"] = fields[3], ["zip"] = fields[4],
            });
            result[fields[0]] = UserAttributeTokens.FromJson(json);
        }
        return result;
    }
}
