using System.Globalization;

namespace RecommenderService.Api.Tests.Hardening;

/// <summary>
/// Seeded generator of hostile request parts: text with lone surrogates, NUL, emoji, slashes and
/// percent signs; numbers huge, negative, fractional or not numbers at all; JSON broken at every position;
/// CSV with byte-order marks, quotes and impossible timestamps. One instance per case, seeded from the run's
/// seed and the case number, so any case can be replayed on its own.
/// </summary>
internal sealed class HostileInput(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Ids that exist or will: most valid writes land on these, so the tables stay small.</summary>
    private static readonly string[] Pool = ["u1", "u2", "u3", "i1", "i2", "i3", "\U0001F600", "ü", "196", "242"];

    private static readonly string[] Odd =
    [
        "\ud800", "\udc00", "\ud800\ud800", "\u0000", "\u0001", "\u007f", "\u00a0", "\u2028", "\ufeff", "\uffff", "\ufffd",
        "\U0001F600", "\U0010FFFF", "/", "\\", "%", "%2F", "%00", "..", ".", "?", "#", "&", "=", "+", " ", "\t", "\r\n", "\"", "'",
        "<script>", "'; DROP TABLE users; --", "null", "true", "{}", "[]", "NaN", "-0", "1e309", "9223372036854775808",
    ];

    public int Next(int max) => _random.Next(max);
    public bool Chance(int percent) => _random.Next(100) < percent;
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A string, from plain ids to anything UTF-16 can hold (lone surrogates included).</summary>
    public string Text(int maxLength = 40)
    {
        switch (_random.Next(10))
        {
            case 0:
            case 1:
            case 2: return Pick(Pool);
            case 3: return Pick(Odd);
            case 4: return new string('x', _random.Next(120, 300));
            case 5: return Pick(Pool) + Pick(Odd);
        }
        var length = _random.Next(0, maxLength);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(_random.Next(6) switch
            {
                0 => (char)_random.Next(0, 0x20),
                1 => (char)_random.Next(0xD800, 0xE000),       // surrogates, paired or not
                2 => (char)_random.Next(0x80, 0x800),
                3 => (char)_random.Next(0x800, 0x10000),
                _ => (char)_random.Next(0x21, 0x7F),
            });
        }
        return text.ToString();
    }

    /// <summary>A number as text: in range, out of range, huge, negative, fractional, or not a number.</summary>
    public string Number() => _random.Next(12) switch
    {
        0 => "-1",
        1 => "0",
        2 => long.MaxValue.ToString(CultureInfo.InvariantCulture) + "0",
        3 => "-" + long.MaxValue.ToString(CultureInfo.InvariantCulture),
        4 => "1e308",
        5 => "4.5",
        6 => "2147483648",
        7 => "-2147483649",
        8 => Text(8),
        9 => "",
        _ => _random.Next(-5, 1500).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A path segment as a hostile client writes it: percent-encoded text, raw bytes, encoded slashes.</summary>
    public string Segment()
    {
        switch (_random.Next(8))
        {
            case 0: return Escape(Number().Replace("\0", "", StringComparison.Ordinal)) is { Length: > 0 } number ? number : "0";
            case 1:
                // Random bytes, valid UTF-8 or not; never %00, which Kestrel and the test host refuse before the service runs.
                var bytes = new StringBuilder();
                for (var i = _random.Next(1, 8); i > 0; i--) bytes.Append('%').Append(_random.Next(1, 256).ToString("X2", CultureInfo.InvariantCulture));
                return bytes.ToString();
        }
        var text = Text(30).Replace("\0", "", StringComparison.Ordinal);
        return text.Length == 0 ? "x" : Escape(text);
    }

    /// <summary>A query value (any text, encoded).</summary>
    public string QueryValue() => _random.Next(10) switch
    {
        < 4 => Escape(Number()),
        < 6 => Boundary(),
        _ => Escape(Text(20)),
    };

    /// <summary>
    /// A number at the edges of a limit or of the integers that carry it: a sum of two of them may wrap
    /// (offset=2147483600&amp;count=100), a bound may be off by one.
    /// </summary>
    public string Boundary() => Pick(
    [
        "0", "1", "-1", "99", "100", "101", "399", "400", "401", "499", "500", "501", "999", "1000", "1001", "10000", "10001",
        "2147483600", "2147483646", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616", "1e3", "0x10", "+5", "٣",
    ]);

    /// <summary>An HTTP method token: a real one, or a made-up one of any length (the label-values class).</summary>
    public string Method()
    {
        if (Chance(50)) return Pick(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "get", "Get"]);
        const string tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";
        var length = Chance(10) ? _random.Next(200, 4000) : _random.Next(1, 16);
        var method = new StringBuilder(length);
        for (var i = 0; i < length; i++) method.Append(tokenChars[_random.Next(tokenChars.Length)]);
        return method.ToString();
    }

    /// <summary>
    /// Claims a hostile token may carry besides <c>sub</c>: roles of every spelling, names, the admin claim with a
    /// wrong value, huge and odd values (the claims-in-tokens class).
    /// </summary>
    public List<System.Security.Claims.Claim> Claims()
    {
        var claims = new List<System.Security.Claims.Claim>();
        for (var i = _random.Next(4); i > 0; i--)
        {
            var type = Pick([System.Security.Claims.ClaimTypes.Role, "role", "roles", System.Security.Claims.ClaimTypes.Name, "name",
                "recommender_admin", "urn:recommender:role", "urn:recommender:name", "scope", "groups", Text(12)]);
            var value = Pick(["admin", "client", "user", "ADMIN", "no", "", new string('a', _random.Next(1, 20_000)), Text(30)]);
            if (type.Length > 0) claims.Add(new System.Security.Claims.Claim(type, value));
        }
        return claims;
    }

    /// <summary>Percent-encodes every byte outside the unreserved set; a lone surrogate becomes its 3-byte (invalid) form.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                escaped.Append(c);
                continue;
            }
            byte[] bytes;
            if (i + 1 < text.Length && char.IsSurrogatePair(c, text[i + 1])) bytes = Encoding.UTF8.GetBytes(text.Substring(i++, 2));
            else if (char.IsSurrogate(c)) bytes = [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))];
            else bytes = Encoding.UTF8.GetBytes(c.ToString());
            foreach (var b in bytes) escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    /// <summary>A JSON string literal of <paramref name="text"/>, escaping as a hostile encoder might (\uXXXX for anything, lone surrogates included).</summary>
    public string JsonString(string text)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\') json.Append('\\').Append(c);
            else if (c < 0x20 || char.IsSurrogate(c) || (c > 0x7E && Chance(50))) json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else json.Append(c);
        }
        return json.Append('"').ToString();
    }

    /// <summary>A JSON value of any type, hostile or plausible.</summary>
    public string JsonValue(int depth = 0) => _random.Next(depth > 3 ? 4 : 7) switch
    {
        0 => JsonString(Text()),
        1 => Number() is var n && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? n : JsonString(n),
        2 => Pick(["true", "false", "null"]),
        3 => JsonString(Pick(["2024-01-01T00:00:00Z", "1997-12-04T15:55:49+01:00", "0001-01-01", "9999-12-31T23:59:59Z", "2024-13-45", "-1", "1e9"])),
        4 => "[" + string.Join(",", Enumerable.Range(0, _random.Next(4)).Select(_ => JsonValue(depth + 1))) + "]",
        5 => Object([], depth + 1),
        _ => new string('[', 70) + new string(']', 70),
    };

    /// <summary>A JSON object with the given members (each sometimes hostile, missing or doubled) and some extra ones.</summary>
    public string Object(IReadOnlyList<(string Name, Func<string> Value)> members, int depth = 0)
    {
        var parts = new List<string>();
        foreach (var (name, value) in members)
        {
            if (Chance(10)) continue;
            parts.Add($"{JsonString(Chance(5) ? Text(8) : name)}:{(Chance(25) ? JsonValue(depth + 1) : value())}");
            if (Chance(3)) parts.Add($"{JsonString(name)}:{JsonValue(depth + 1)}");
        }
        for (var extra = Chance(20) ? _random.Next(1, 4) : 0; extra > 0; extra--)
            parts.Add($"{JsonString(Text(10))}:{JsonValue(depth + 1)}");
        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>Breaks a JSON text: cut, a byte changed or inserted, trailing text, another encoding.</summary>
    public byte[] Break(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length == 0) return bytes;
        var at = _random.Next(bytes.Length);
        return _random.Next(7) switch
        {
            0 => bytes[..at],
            1 => [.. bytes[..at], (byte)_random.Next(256), .. bytes[at..]],
            2 => [.. bytes[..at], .. bytes[(at + 1)..]],
            3 => [.. bytes, .. Encoding.UTF8.GetBytes(Pick([" xyz", "}", "]", ",", " {}", "\n\n1", "\u0000"]))],
            4 => Encoding.Unicode.GetBytes(json),
            5 => [0xEF, 0xBB, 0xBF, .. bytes],
            _ => [.. bytes[..at], 0xC0, 0x80, .. bytes[at..]],
        };
    }

    /// <summary>A CSV body: plausible lines and hostile ones.</summary>
    public byte[] Csv()
    {
        var text = new StringBuilder();
        if (Chance(20)) text.Append('\uFEFF');
        if (Chance(30)) text.Append(Pick(["userId,itemId,rating,timestamp", "user,item,score", "a,b,c", "\"userId\",\"itemId\",\"rating\""])).Append('\n');
        for (var line = _random.Next(0, 8); line > 0; line--)
        {
            var fields = new List<string> { CsvField(Text(12)), CsvField(Text(12)), Chance(70) ? Pick(["1", "3.5", "5", "0", "6", "-1", "NaN", "1e400"]) : Number() };
            if (Chance(60)) fields.Add(Pick(["881250949", "-99999999999", "-62135596801", "99999999999", "1e20", "2024-01-01T00:00:00Z", "0001-01-01", "", Number()]));
            if (Chance(5)) fields.Add(Text(5));
            text.Append(string.Join(Chance(95) ? "," : ";", fields)).Append(Pick(["\n", "\r\n", "\n\n", ""]));
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (Chance(10) && bytes.Length > 0) bytes[_random.Next(bytes.Length)] = (byte)_random.Next(256);
        if (Chance(3)) bytes = [.. bytes, .. Enumerable.Repeat((byte)'x', 9000)];
        return bytes;
    }

    private string CsvField(string text) =>
        Chance(20) || text.Contains(',') || text.Contains('"') || text.Contains('\n')
            ? "\"" + text.Replace("\"", Chance(80) ? "\"\"" : "\"", StringComparison.Ordinal) + "\""
            : text;

    public string ContentType(string right) => _random.Next(10) switch
    {
        0 => "text/plain",
        1 => Pick(["application/json; charset=utf-16", "application/xml", "multipart/form-data; boundary=x", "text/csv", "*/*", "application/x-www-form-urlencoded", "garbage"]),
        2 => "",
        _ => right,
    };
}
