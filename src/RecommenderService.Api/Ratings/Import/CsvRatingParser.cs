using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

using RecommenderService.Api.Validation;
using RecommenderService.Engine;

namespace RecommenderService.Api.Ratings.Import;

/// <summary>A rating read from line <see cref="Line"/> of a CSV import.</summary>
public readonly record struct CsvRating(long Line, string UserId, string ItemId, float Value, DateTime? RatedAt);

/// <summary>Why line <see cref="Line"/> of a CSV import was refused.</summary>
public readonly record struct CsvLineError(long Line, string Message);

/// <summary>
/// Parses the import format <c>userId,itemId,rating[,timestamp]</c> straight from UTF-8 bytes as they arrive,
/// line by line, so a large body is never held whole. Fields may be wrapped in double quotes (<c>""</c>
/// escapes one); spaces around fields and a trailing CR are ignored, as are blank lines and a UTF-8
/// byte-order mark at the very start. The first line is a header only when <see cref="CsvHeader"/>
/// recognises it (<c>userId,itemId,rating,timestamp</c>); otherwise it is a rating like any other. A timestamp
/// is unix seconds (digits, optionally a fraction) or an ISO-8601 time; absent, the import time is used.
/// Line numbers count every physical line from 1, header and blank lines included, as an editor shows them.
/// </summary>
public sealed class CsvRatingParser(RatingScale scale, DateTime now)
{
    /// <summary>A line longer than this cannot be a rating (ids are at most 128 characters).</summary>
    public const int MaxLineBytes = 8 * 1024;

    /// <summary>Distinct ids remembered for reuse; past this the memory starts afresh (it only saves allocations).</summary>
    private const int MaxRememberedIds = 1 << 18;

    private long _line;
    private bool _seenContent;
    private readonly byte[] _lineCopy = new byte[MaxLineBytes];
    private readonly string?[] _unquoted = new string?[5];

    // A rating file names the same users and items over and over: one string per distinct id, not per line.
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    private Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> IdLookup => _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Physical lines consumed so far.</summary>
    public long LinesRead => _line;

    /// <summary>
    /// Consumes every complete line of <paramref name="buffer"/> (and, when <paramref name="isFinal"/>, the
    /// unterminated last one too), appending ratings and errors. Whatever is left is an incomplete line.
    /// </summary>
    // Fully optimised from the first call: an import runs these loops a few times, too few for tiering to catch up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Parse(ref ReadOnlySequence<byte> buffer, bool isFinal, List<CsvRating> ratings, List<CsvLineError> errors)
    {
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            ReadOnlySequence<byte> line;
            if (newline is { } position)
            {
                line = buffer.Slice(0, position);
                buffer = buffer.Slice(buffer.GetPosition(1, position));
            }
            else if (isFinal && !buffer.IsEmpty)
            {
                line = buffer;
                buffer = buffer.Slice(buffer.End);
            }
            else
            {
                if (buffer.Length > MaxLineBytes)
                {
                    // No end of line in sight: report it and drop what we have; the caller stops at errors.
                    errors.Add(new CsvLineError(_line + 1, $"The line is longer than {MaxLineBytes} bytes; is this a CSV file of ratings?"));
                    buffer = buffer.Slice(buffer.End);
                }
                return;
            }

            _line++;
            if (line.Length > MaxLineBytes)
            {
                errors.Add(new CsvLineError(_line, $"The line is longer than {MaxLineBytes} bytes; is this a CSV file of ratings?"));
                continue;
            }
            if (line.IsSingleSegment)
            {
                ParseLine(line.FirstSpan, ratings, errors);
            }
            else
            {
                // A line split across two buffers of the body: rare, so one reusable copy does.
                line.CopyTo(_lineCopy);
                ParseLine(_lineCopy.AsSpan(0, (int)line.Length), ratings, errors);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ParseLine(ReadOnlySpan<byte> line, List<CsvRating> ratings, List<CsvLineError> errors)
    {
        // Editors on Windows start UTF-8 files with a byte-order mark; it belongs to no field.
        if (_line == 1 && line.StartsWith(Utf8Bom)) line = line[Utf8Bom.Length..];
        line = line.TrimEnd((byte)'\r').Trim(" \t"u8);
        if (line.IsEmpty) return;
        var isFirst = !_seenContent;
        _seenContent = true;

        if (!Utf8.IsValid(line))
        {
            errors.Add(new CsvLineError(_line, "The line is not valid UTF-8 text."));
            return;
        }

        Span<Range> ranges = stackalloc Range[5];
        var fields = _unquoted;
        Array.Clear(fields);
        var count = 0;
        var position = 0;
        while (true)
        {
            if (count == ranges.Length)
            {
                errors.Add(new CsvLineError(_line, "Expected 3 or 4 fields (userId,itemId,rating[,timestamp]); found more."));
                return;
            }
            var problem = ReadField(line, ref position, out ranges[count], out fields[count]);
            if (problem is not null)
            {
                errors.Add(new CsvLineError(_line, problem));
                return;
            }
            count++;
            if (position >= line.Length) break;
            position++; // the comma; a line ending in one has a last, empty field
            if (position == line.Length)
            {
                if (count == ranges.Length)
                {
                    errors.Add(new CsvLineError(_line, "Expected 3 or 4 fields (userId,itemId,rating[,timestamp]); found more."));
                    return;
                }
                ranges[count++] = new Range(position, position);
                break;
            }
        }

        if (count < 3 || count > 4)
        {
            errors.Add(new CsvLineError(_line, $"Expected 3 or 4 fields (userId,itemId,rating[,timestamp]); found {count}."));
            return;
        }

        // Numbers are read straight from the bytes; a quoted field was unescaped to a string already.
        Span<char> chars = stackalloc char[64];
        var ratingField = Chars(line, ranges, fields, 2, chars);
        if (isFirst && ratingField.Length > 0 && char.IsAsciiLetter(ratingField[0]) && IsHeader(line, ranges, fields, count, chars))
            return;

        string? problems = null;
        var userId = Id(line, ranges, fields, 0);
        var itemId = Id(line, ranges, fields, 1);
        if (ExternalId.Problem(userId) is { } userProblem) Append(ref problems, "userId: " + userProblem);
        if (ExternalId.Problem(itemId) is { } itemProblem) Append(ref problems, "itemId: " + itemProblem);

        double value = double.NaN;
        if (ratingField.Length == 0)
            Append(ref problems, "rating: A rating is required.");
        else if (!double.TryParse(ratingField, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            Append(ref problems, $"rating: '{Shorten(ratingField)}' is not a number.");
        else if (RatingValue.Problem(value, scale) is { } ratingProblem)
            Append(ref problems, "rating: " + ratingProblem);

        DateTime? ratedAt = null;
        if (count == 4)
        {
            var text = Chars(line, ranges, fields, 3, chars);
            if (text.Length > 0)
            {
                var unix = text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-') && !text.Contains('T') && !text[1..].Contains('-');
                var problem = unix
                    ? Timestamps.TryParseUnixSeconds(text, now, out var utc)
                    : Timestamps.TryParseIso(text, now, out utc);
                if (problem is null) ratedAt = utc;
                else Append(ref problems, "timestamp: " + problem);
            }
        }

        if (problems is not null)
            errors.Add(new CsvLineError(_line, problems));
        else
            ratings.Add(new CsvRating(_line, userId, itemId, (float)value, ratedAt));
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static bool IsHeader(ReadOnlySpan<byte> line, Span<Range> ranges, string?[] unquoted, int count, Span<char> buffer)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++) names[i] = Chars(line, ranges, unquoted, i, buffer).ToString();
        return CsvHeader.IsHeader(names);
    }

    private static void Append(ref string? problems, string problem) => problems = problems is null ? problem : problems + " " + problem;

    /// <summary>
    /// Field <paramref name="index"/> as characters: decoded into <paramref name="buffer"/> when it fits (ratings
    /// and timestamps always do), otherwise as a new string.
    /// </summary>
    private static ReadOnlySpan<char> Chars(ReadOnlySpan<byte> line, Span<Range> ranges, string?[] unquoted, int index, Span<char> buffer)
    {
        if (unquoted[index] is { } text) return text;
        var bytes = line[ranges[index]];
        return bytes.Length <= buffer.Length
            ? buffer[..Encoding.UTF8.GetChars(bytes, buffer)]
            : Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Field <paramref name="index"/> as an id string, the same instance for every line that names it.</summary>
    private string Id(ReadOnlySpan<byte> line, Span<Range> ranges, string?[] unquoted, int index)
    {
        if (unquoted[index] is { } text) return Intern(text, text);
        var bytes = line[ranges[index]];
        if (bytes.Length > 256) return Encoding.UTF8.GetString(bytes); // too long for an id: the check reports it
        Span<char> buffer = stackalloc char[256];
        return Intern(buffer[..Encoding.UTF8.GetChars(bytes, buffer)], null);
    }

    private string Intern(ReadOnlySpan<char> chars, string? text)
    {
        if (IdLookup.TryGetValue(chars, out var known)) return known;
        if (_ids.Count >= MaxRememberedIds) _ids.Clear();
        var id = text ?? chars.ToString();
        _ids[id] = id;
        return id;
    }

    /// <summary>
    /// Reads the field starting at <paramref name="position"/> and leaves <paramref name="position"/> on the
    /// comma after it (or the end of the line). A quoted field comes back unescaped in <paramref name="unquoted"/>.
    /// </summary>
    private static string? ReadField(ReadOnlySpan<byte> line, ref int position, out Range field, out string? unquoted)
    {
        unquoted = null;
        field = default;
        while (position < line.Length && line[position] is (byte)' ' or (byte)'\t') position++;
        if (position < line.Length && line[position] == (byte)'"')
        {
            var text = new StringBuilder();
            var i = position + 1;
            while (true)
            {
                var close = line[i..].IndexOf((byte)'"');
                if (close < 0) return "A quoted field is not closed.";
                text.Append(Encoding.UTF8.GetString(line.Slice(i, close)));
                i += close + 1;
                if (i < line.Length && line[i] == (byte)'"')
                {
                    text.Append('"');
                    i++;
                    continue;
                }
                break;
            }
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t') i++;
            if (i < line.Length && line[i] != (byte)',') return "Unexpected text after a quoted field.";
            unquoted = text.ToString();
            position = i;
            return null;
        }

        var comma = line[position..].IndexOf((byte)',');
        var end = comma < 0 ? line.Length : position + comma;
        field = new Range(position, position + line[position..end].TrimEnd(" \t"u8).Length);
        position = end;
        return null;
    }

    private static string Shorten(ReadOnlySpan<char> text) => text.Length <= 20 ? text.ToString() : string.Concat(text[..20], "...");
}
