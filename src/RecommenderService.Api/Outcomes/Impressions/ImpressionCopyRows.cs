using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace RecommenderService.Api.Outcomes.Impressions;

/// <summary>
/// A batch of impressions in PostgreSQL's binary COPY format (a header, one tuple per impression, a trailer) for
/// <see cref="Sql"/>, sent as it is. Encoded here rather than field by field through Npgsql's importer, which binds a
/// parameter for every field: about a third of the client's CPU a row and nothing allocated (load/copy_client.sh).
/// </summary>
public static class ImpressionCopyRows
{
    public const string Sql =
        "COPY impressions (id, user_id, list, strategy, source, model_version, experiment_id, arm, items, served_at) FROM STDIN (FORMAT BINARY)";

    private const short Fields = 10;
    // The element type of items (text[]), which the server checks against the column's.
    private const int TextOid = 25;
    private const int NullLength = -1;
    private static readonly long EpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    // "PGCOPY\n\377\r\n\0", then flags and the length of the header extension, both 0.
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>Writes the whole COPY stream for <paramref name="batch"/>.</summary>
    public static void Write(IBufferWriter<byte> output, List<Impression> batch)
    {
        output.Write(Header);
        foreach (var impression in batch) WriteRow(output, impression);
        Int16(output, -1);
    }

    private static void WriteRow(IBufferWriter<byte> output, in Impression impression)
    {
        Int16(output, Fields);
        var id = output.GetSpan(20);
        BinaryPrimitives.WriteInt32BigEndian(id, 16);
        impression.Id.TryWriteBytes(id.Slice(4, 16), bigEndian: true, out _);
        output.Advance(20);
        Text(output, impression.UserId);
        Text(output, impression.List);
        Text(output, impression.Strategy);
        Text(output, impression.Source);
        if (impression.ModelVersion is { } version) Field32(output, version);
        else Int32(output, NullLength);
        if (impression.ExperimentId is { } experiment) Field64(output, experiment);
        else Int32(output, NullLength);
        Text(output, impression.Arm);
        Items(output, impression.Items);
        // Microseconds since 2000-01-01 UTC, as the server keeps them (and as Npgsql writes them: ticks cut to microseconds).
        Field64(output, (impression.ServedAt.UtcTicks - EpochTicks) / TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>A one-dimensional text[] without nulls: dimensions, flags, element type, size and lower bound, then each element.</summary>
    private static void Items(IBufferWriter<byte> output, in ListedItems items)
    {
        if (items.Count == 0)
        {
            Int32(output, 12);
            Int32(output, 0); // no dimensions: the empty array
            Int32(output, 0);
            Int32(output, TextOid);
            return;
        }
        var length = 20;
        for (var k = 0; k < items.Count; k++) length += 4 + Encoding.UTF8.GetByteCount(items[k]);
        Int32(output, length);
        Int32(output, 1);
        Int32(output, 0);
        Int32(output, TextOid);
        Int32(output, items.Count);
        Int32(output, 1);
        for (var k = 0; k < items.Count; k++) Text(output, items[k]);
    }

    private static void Text(IBufferWriter<byte> output, string? value)
    {
        if (value is null)
        {
            Int32(output, NullLength);
            return;
        }
        var span = output.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, written);
        output.Advance(4 + written);
    }

    private static void Field32(IBufferWriter<byte> output, int value)
    {
        var span = output.GetSpan(8);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], value);
        output.Advance(8);
    }

    private static void Field64(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(12);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], value);
        output.Advance(12);
    }

    private static void Int16(IBufferWriter<byte> output, short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(output.GetSpan(2), value);
        output.Advance(2);
    }

    private static void Int32(IBufferWriter<byte> output, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }
}
