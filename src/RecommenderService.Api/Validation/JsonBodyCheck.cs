using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace RecommenderService.Api.Validation;

/// <summary>
/// Checks a JSON body before anything binds it: exactly one JSON value (trailing text such as
/// <c>{"rating": 4} xyz</c> is refused, not silently ignored), and every string and property name valid
/// Unicode text without NUL. A lone UTF-16 surrogate (<c>"\ud800"</c>) cannot become a .NET string nor a
/// PostgreSQL text or jsonb value, and PostgreSQL refuses NUL in both, so either would otherwise fail deep
/// inside a handler or the database as a 500.
/// </summary>
public static class JsonBodyCheck
{
    /// <summary>Throws <see cref="JsonFieldException"/> naming the first bad string, or a 400 for malformed JSON.</summary>
    public static void Check(ReadOnlySequence<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        var frames = new List<Frame>();
        try
        {
            // Reading to the end makes the reader refuse anything after the first value.
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        NextValue(frames);
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames[^1];
                        frame.Property = null;
                        // A name that is not valid text is reported against the object that holds it.
                        frame.Property = Text(ref reader, needText: true) ?? throw Bad(frames, Problem(ref reader));
                        break;
                    case JsonTokenType.String:
                        NextValue(frames);
                        if (Text(ref reader, needText: false) is null) throw Bad(frames, Problem(ref reader));
                        break;
                    default:
                        NextValue(frames);
                        break;
                }
            }
        }
        catch (JsonException exception)
        {
            throw new BadHttpRequestException("The body is not valid JSON (exactly one JSON value, nothing after it).", exception);
        }
    }

    private static void NextValue(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
    }

    /// <summary>
    /// The string's text (or "" when <paramref name="needText"/> is false and it is fine), null when it is
    /// not valid Unicode or holds NUL.
    /// </summary>
    private static string? Text(ref Utf8JsonReader reader, bool needText)
    {
        if (!needText && !reader.ValueIsEscaped && !reader.HasValueSequence)
            // Unescaped text cannot hold a surrogate escape or a raw NUL (JSON forbids control characters).
            return Utf8.IsValid(reader.ValueSpan) ? "" : null;
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate escape or invalid UTF-8
        }
        return text.Contains('\0') ? null : text;
    }

    private static string Problem(ref Utf8JsonReader reader)
    {
        try
        {
            reader.GetString();
            return "Text may not contain NUL (\\u0000): PostgreSQL cannot store it.";
        }
        catch (InvalidOperationException)
        {
            return "Text must be valid Unicode: a lone UTF-16 surrogate (such as \\ud800 without its pair) or invalid UTF-8 is not text.";
        }
    }

    private static JsonFieldException Bad(List<Frame> frames, string message) => new(Path(frames), message);

    /// <summary><c>ratings[3].userId</c>, <c>attributes.tags[1]</c>; <c>body</c> for the top level itself.</summary>
    private static string Path(List<Frame> frames)
    {
        var path = new StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                if (frame.Index >= 0) path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.Property is { } property)
            {
                if (path.Length > 0) path.Append('.');
                path.Append(property.Length == 0 ? "\"\"" : property);
            }
        }
        return path.Length == 0 ? "body" : path.ToString();
    }

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index { get; set; } = -1;
        public string? Property { get; set; }
    }
}
