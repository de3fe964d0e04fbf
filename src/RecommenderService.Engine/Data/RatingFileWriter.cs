using System.Buffers.Text;
using System.Text;

namespace RecommenderService.Engine;

/// <summary>Writes a <see cref="RatingSet"/> in the plain <c>user TAB item TAB rating TAB timestamp</c> format.</summary>
public static class RatingFileWriter
{
    public static void Write(RatingSet ratings, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan);
        Write(ratings, stream);
    }

    /// <summary>Writes every rating in row order; whole ratings print without a decimal point, like MovieLens.</summary>
    public static void Write(RatingSet ratings, Stream stream)
    {
        var users = Utf8(ratings.Users);
        var items = Utf8(ratings.Items);
        var buffer = new byte[1 << 20];
        var used = 0;
        for (var r = 0; r < ratings.Count; r++)
        {
            if (buffer.Length - used < 256)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }
            var u = users[ratings.User[r]];
            var i = items[ratings.Item[r]];
            if (u.Length + i.Length > buffer.Length - 64)
                Array.Resize(ref buffer, (u.Length + i.Length) * 2 + 256);
            if (buffer.Length - used < u.Length + i.Length + 64)
            {
                stream.Write(buffer, 0, used);
                used = 0;
            }
            var span = buffer.AsSpan();
            u.CopyTo(span[used..]);
            used += u.Length;
            span[used++] = (byte)'\t';
            i.CopyTo(span[used..]);
            used += i.Length;
            span[used++] = (byte)'\t';
            used += FormatRating(ratings.Value[r], span[used..]);
            span[used++] = (byte)'\t';
            Utf8Formatter.TryFormat(ratings.HasTimes ? ratings.Time[r] : 0, span[used..], out var written);
            used += written;
            span[used++] = (byte)'\n';
        }
        stream.Write(buffer, 0, used);
        stream.Flush();
    }

    internal static int FormatRating(float value, Span<byte> destination)
    {
        int written;
        if (value == MathF.Round(value) && Math.Abs(value) < 1e9f)
            Utf8Formatter.TryFormat((long)value, destination, out written);
        else
            value.TryFormat(destination, out written, "R", System.Globalization.CultureInfo.InvariantCulture);
        return written;
    }

    private static byte[][] Utf8(IdMap map)
    {
        var bytes = new byte[map.Count][];
        for (var k = 0; k < map.Count; k++) bytes[k] = Encoding.UTF8.GetBytes(map[k]);
        return bytes;
    }
}
