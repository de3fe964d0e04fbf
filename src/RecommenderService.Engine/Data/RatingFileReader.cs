using System.Runtime.CompilerServices;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace RecommenderService.Engine;

/// <summary>
/// Reads rating files (MovieLens <c>u.data</c>, <c>ratings.dat</c>, <c>ratings.csv</c> and the plain
/// <c>user TAB item TAB rating [TAB timestamp]</c> format) into a <see cref="RatingSet"/>, detecting the
/// layout from the first line. Ids are strings; a bad line raises a <see cref="RatingFileException"/> with
/// the file name and line number.
/// </summary>
/// <remarks>
/// Built for tens of millions of lines: the file is read in large blocks and each line is parsed as bytes
/// in place. Ids are interned from their bytes (<see cref="ByteIdInterner"/>), so only the distinct ids ever
/// become strings. A first line whose first field starts with "user" and whose rating field is not a
/// number (or, for pairs, whose second field starts with "item" or "movie") is a header and skipped.
/// Blank lines are skipped; a CR before the LF is tolerated. Repeated (user, item) pairs stay separate rows,
/// as in <see cref="RatingSetBuilder"/>.
/// </remarks>
public static class RatingFileReader
{
    private const int BlockSize = 1 << 22;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static RatingSet Read(string path, RatingFileReadOptions? options = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RatingFileException(path, 0, e.Message);
        }
        using (stream)
        {
            return Read(stream, path, options);
        }
    }

    /// <summary>Reads ratings from <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static RatingSet Read(Stream stream, string name, RatingFileReadOptions? options = null)
    {
        options ??= new RatingFileReadOptions();
        var state = new ParseState(name, options, EstimateCapacity(stream));
        var buffer = new byte[BlockSize];
        var filled = 0;
        try
        {
            while (true)
            {
                var read = stream.Read(buffer, filled, buffer.Length - filled);
                if (read == 0)
                {
                    if (filled > 0) state.ParseLine(buffer.AsSpan(0, filled));
                    break;
                }
                filled += read;
                var consumed = state.ParseLines(buffer.AsSpan(0, filled));
                var rest = filled - consumed;
                if (consumed == 0 && rest == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2); // one line longer than a block
                else
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, rest);
                filled = rest;
            }
        }
        catch (IOException e)
        {
            throw new RatingFileException(name, "read failed: " + e.Message, e);
        }
        return state.Build();
    }

    /// <summary>
    /// The number of lines left in a seekable stream (a second sequential pass, from the page cache, counting
    /// newlines vectorised), so the rating arrays are allocated once at their final size: a guess from the byte
    /// count over-allocated by a fifth on the 8.5 M-rating file and the trim to the exact count copied everything
    /// again, which made the reader's peak 2.3× the rating set (389 MB for 170 MB). Others start small and grow.
    /// </summary>
    internal static int EstimateCapacity(Stream stream)
    {
        if (!stream.CanSeek) return 1024;
        var start = stream.Position;
        var buffer = new byte[1 << 20];
        long lines = 0;
        var last = (byte)'\n';
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
            last = buffer[read - 1];
        }
        if (last != (byte)'\n') lines++;
        stream.Position = start;
        return (int)Math.Clamp(lines, 1, Array.MaxLength / 2);
    }

    /// <summary>The format of a file judged by its first non-blank line; null when none fits.</summary>
    public static RatingFileFormat? Detect(ReadOnlySpan<byte> line)
    {
        if (line.IndexOf("::"u8) >= 0) return RatingFileFormat.DoubleColon;
        if (line.IndexOf((byte)'\t') >= 0) return RatingFileFormat.Tab;
        if (line.IndexOf((byte)',') >= 0) return RatingFileFormat.Csv;
        return null;
    }

    private sealed class ParseState
    {
        private readonly string _name;
        private readonly bool _requireRating;
        private readonly ByteIdInterner _users = new();
        private readonly ByteIdInterner _items = new();
        private RatingFileFormat? _format;
        private long _line;
        private bool _seenContent;
        private int[] _user;
        private int[] _item;
        private float[] _value;
        private long[] _time;
        private readonly bool _keepTimes;
        private int _count;

        public ParseState(string name, RatingFileReadOptions options, int capacity)
        {
            _name = name;
            _requireRating = options.RequireRating;
            if (options.Users is not null) _users.AddAll(options.Users);
            if (options.Items is not null) _items.AddAll(options.Items);
            _user = new int[capacity];
            _item = new int[capacity];
            _value = new float[capacity];
            _keepTimes = options.KeepTimes;
            _time = _keepTimes ? new long[capacity] : [];
        }

        /// <summary>Parses every complete line; returns how many bytes were consumed.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public int ParseLines(ReadOnlySpan<byte> block)
        {
            var consumed = 0;
            while (true)
            {
                if (_seenContent && _requireRating && TryParseSimpleLine(block, ref consumed)) continue;
                var end = block[consumed..].IndexOf((byte)'\n');
                if (end < 0) return consumed;
                ParseLine(block.Slice(consumed, end));
                consumed += end + 1;
            }
        }

        /// <summary>
        /// One id field of <see cref="TryParseSimpleLine"/> up to its separator (which it steps over): where it starts, its
        /// length, and whether it is all digits with their value (a numeric id is interned without hashing its bytes).
        /// False when the line ends first or the field is empty.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool TryReadId(ReadOnlySpan<byte> b, ref int p, byte separator, int step, out int start, out int length,
            out bool numeric, out uint value)
        {
            start = p;
            value = 0;
            numeric = true;
            length = 0;
            while (true)
            {
                if ((uint)p >= (uint)b.Length) return false;
                var c = b[p];
                if (c == separator) break;
                if (c is (byte)'\n' or (byte)'\r') return false;
                var digit = (uint)(c - '0');
                if (digit > 9) numeric = false; else value = value * 10 + digit;
                p++;
            }
            length = p - start;
            if (length == 0 || (step == 2 && ((uint)(p + 1) >= (uint)b.Length || b[p + 1] != (byte)':'))) return false;
            p += step;
            return true;
        }

        /// <summary>The index of an id read by <see cref="TryReadId"/>; a numeric one without a leading zero by its value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int Intern(ByteIdInterner ids, ReadOnlySpan<byte> id, bool numeric, uint value) =>
            numeric && id[0] != (byte)'0' && ByteIdInterner.IsNumericValue(id.Length, value)
                ? ids.GetOrAddNumeric(value, id)
                : ids.GetOrAdd(id);

        /// <summary>
        /// The fast path for the overwhelmingly common line: digits-only or plain ids, a rating like "4" or
        /// "3.5", an optional integer timestamp, LF or CRLF. One pass over the bytes, no slicing per field.
        /// Anything else (and a line cut by the block end) returns false untouched, for <see cref="ParseLine"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool TryParseSimpleLine(ReadOnlySpan<byte> b, ref int position)
        {
            var separator = _format == RatingFileFormat.Csv ? (byte)',' : _format == RatingFileFormat.DoubleColon ? (byte)':' : (byte)'\t';
            var step = _format == RatingFileFormat.DoubleColon ? 2 : 1;
            var p = position;

            if (!TryReadId(b, ref p, separator, step, out var userStart, out var userLength, out var userNumeric, out var userValue)) return false;
            if (!TryReadId(b, ref p, separator, step, out var itemStart, out var itemLength, out var itemNumeric, out var itemValue)) return false;

            // Rating: 1-3 digits, optionally '.' and one digit.
            var ratingStart = p;
            var whole = 0;
            while ((uint)p < (uint)b.Length && (uint)(b[p] - '0') <= 9) whole = whole * 10 + (b[p++] - '0');
            var digits = p - ratingStart;
            if (digits is 0 or > 3 || (uint)p >= (uint)b.Length) return false;
            float value = whole;
            if (b[p] == (byte)'.')
            {
                if ((uint)(p + 1) >= (uint)b.Length || (uint)(b[p + 1] - '0') > 9) return false;
                value += (b[p + 1] - '0') / 10f;
                p += 2;
                if ((uint)p >= (uint)b.Length) return false;
            }

            long time = 0;
            if (b[p] == separator)
            {
                if (step == 2 && ((uint)(p + 1) >= (uint)b.Length || b[p + 1] != (byte)':')) return false;
                p += step;
                var timeStart = p;
                while ((uint)p < (uint)b.Length && (uint)(b[p] - '0') <= 9) time = time * 10 + (b[p++] - '0');
                if (p - timeStart is 0 or > 18 || (uint)p >= (uint)b.Length) return false;
            }
            if (b[p] == (byte)'\r')
            {
                p++;
                if ((uint)p >= (uint)b.Length) return false;
            }
            if (b[p] != (byte)'\n') return false;

            var user = Intern(_users, b.Slice(userStart, userLength), userNumeric, userValue);
            var item = Intern(_items, b.Slice(itemStart, itemLength), itemNumeric, itemValue);
            if (_count == _user.Length) Grow();
            _user[_count] = user;
            _item[_count] = item;
            _value[_count] = value;
            if (_keepTimes) _time[_count] = time;
            _count++;
            _line++;
            position = p + 1;
            return true;
        }

        public void ParseLine(ReadOnlySpan<byte> line)
        {
            _line++;
            if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
            if (line.IsEmpty || IsBlank(line)) return;

            if (_format is null)
            {
                _format = Detect(line) ?? throw Error("unrecognised rating format (expected TAB, '::' or ',' separated fields)");
            }
            var separator = _format switch
            {
                RatingFileFormat.DoubleColon => "::"u8,
                RatingFileFormat.Csv => ","u8,
                _ => "\t"u8,
            };

            var rest = line;
            var user = NextField(ref rest, separator, out var more);
            if (!more) throw Error("expected at least two fields (user, item)");
            var item = NextField(ref rest, separator, out more);
            ReadOnlySpan<byte> rating = default, timestamp = default;
            var hasRating = more;
            if (more) rating = NextField(ref rest, separator, out more);
            var hasTime = more;
            if (more) timestamp = NextField(ref rest, separator, out more);

            if (!_seenContent)
            {
                _seenContent = true;
                if (IsHeader(user, item, rating, hasRating)) return;
            }

            if (user.IsEmpty) throw Error("empty user id");
            if (item.IsEmpty) throw Error("empty item id");

            float value = float.NaN;
            long time = 0;
            if (_requireRating)
            {
                if (!hasRating) throw Error("missing rating (expected user, item, rating[, timestamp])");
                if (more) throw Error("too many fields (expected user, item, rating[, timestamp])");
                if (!TryParseRating(rating, out value)) throw Error($"rating '{Show(rating)}' is not a finite number");
                if (hasTime && !TryParseTime(timestamp, out time))
                    throw Error($"timestamp '{Show(timestamp)}' is not an integer");
            }

            if (_count == _user.Length) Grow();
            _user[_count] = _users.GetOrAdd(user);
            _item[_count] = _items.GetOrAdd(item);
            _value[_count] = value;
            if (_keepTimes) _time[_count] = time;
            _count++;
        }

        // Arrays already of the exact size (the usual case, see EstimateCapacity) are used as they are, not copied.
        public RatingSet Build() =>
            new(_users.ToIdMap(), _items.ToIdMap(), Exact(_user), Exact(_item), Exact(_value), _keepTimes ? Exact(_time) : []);

        private T[] Exact<T>(T[] values) => values.Length == _count ? values : values[.._count];

        private bool IsHeader(ReadOnlySpan<byte> user, ReadOnlySpan<byte> item, ReadOnlySpan<byte> rating, bool hasRating)
        {
            if (!StartsWithIgnoreCase(user, "user"u8)) return false;
            if (_requireRating) return hasRating && !TryParseRating(rating, out _);
            return StartsWithIgnoreCase(item, "item"u8) || StartsWithIgnoreCase(item, "movie"u8);
        }

        private static ReadOnlySpan<byte> NextField(scoped ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> separator, out bool more)
        {
            var at = separator.Length == 1 ? rest.IndexOf(separator[0]) : rest.IndexOf(separator);
            ReadOnlySpan<byte> field;
            if (at < 0)
            {
                field = rest;
                rest = default;
                more = false;
            }
            else
            {
                field = rest[..at];
                rest = rest[(at + separator.Length)..];
                more = true;
            }
            return field;
        }

        private static bool TryParseRating(ReadOnlySpan<byte> text, out float value)
        {
            // Fast path for the usual "4", "3.5", "4.0"; anything else goes to the general parser.
            var whole = 0;
            var k = 0;
            while (k < text.Length && k < 6 && (uint)(text[k] - '0') <= 9) whole = whole * 10 + (text[k++] - '0');
            if (k > 0)
            {
                if (k == text.Length) { value = whole; return true; }
                if (text[k] == (byte)'.' && k + 2 == text.Length && (uint)(text[k + 1] - '0') <= 9)
                {
                    value = whole + (text[k + 1] - '0') / 10f;
                    return true;
                }
            }
            var trimmed = text.Trim(" \""u8);
            return float.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
        }

        private static bool TryParseTime(ReadOnlySpan<byte> text, out long value) =>
            Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;

        private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
        {
            if (text.Length < prefix.Length) return false;
            for (var k = 0; k < prefix.Length; k++)
                if ((text[k] | 0x20) != prefix[k]) return false;
            return true;
        }

        private static bool IsBlank(ReadOnlySpan<byte> line)
        {
            foreach (var b in line)
                if (b is not ((byte)' ' or (byte)'\t')) return false;
            return true;
        }

        private static string Show(ReadOnlySpan<byte> field) =>
            Encoding.UTF8.GetString(field.Length > 40 ? field[..40] : field);

        private RatingFileException Error(string reason) => new(_name, _line, reason);

        private void Grow()
        {
            var size = (int)Math.Min(Array.MaxLength, (long)_user.Length * 2);
            if (size == _user.Length) throw Error("too many ratings for one rating set");
            Array.Resize(ref _user, size);
            Array.Resize(ref _item, size);
            Array.Resize(ref _value, size);
            if (_keepTimes) Array.Resize(ref _time, size);
        }
    }
}
