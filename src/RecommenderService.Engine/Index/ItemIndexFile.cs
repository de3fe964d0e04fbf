using System.Buffers.Binary;

namespace RecommenderService.Engine;

/// <summary>
/// Both indexes of a ranking head in one stream, so the training that made a model can store them beside it and every
/// replica loads them instead of building them (a build at 250k items costs minutes of CPU; a load, a copy).
/// </summary>
/// <remarks>
/// Layout, little-endian: the magic <c>RSIX</c>, format version (int32, 1), rows and factors (int32 each), the build
/// settings M, efConstruction and ef (int32 each), whether the similar-items index follows (byte), then each index as
/// its length (int64) and USearch's own file (lists first). USearch reads and writes files only, so each index passes
/// through a temporary file.
/// </remarks>
public static class ItemIndexFile
{
    private const uint Magic = 0x58495352; // "RSIX"
    private const int FormatVersion = 1;
    private const int HeaderLength = 4 + 4 * 6 + 1;

    /// <summary>
    /// The ef a loaded index searches with: USearch keeps the build settings in its file but not ef, which a load resets
    /// to the library's default (64). An index built with another ef is not loaded (<see cref="Read"/>).
    /// </summary>
    public const int LoadedExpansionSearch = 64;

    public static void Write(ItemIndexes indexes, Stream output)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        ArgumentNullException.ThrowIfNull(output);
        var lists = indexes.Lists;
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], lists.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], lists.Dimensions);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], lists.Options.Connectivity);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], lists.Options.ExpansionAdd);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], lists.Options.ExpansionSearch);
        header[28] = indexes.Similar is null ? (byte)0 : (byte)1;
        output.Write(header);
        WriteIndex(lists, output);
        if (indexes.Similar is { } similar) WriteIndex(similar, output);
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote for <paramref name="model"/>'s ranking head and attaches it
    /// (<see cref="RankingHead.UseIndexes"/>). Null, with nothing attached, when the indexes were built with other settings
    /// than <paramref name="options"/> or over other rows (the caller builds them instead).
    /// </summary>
    /// <exception cref="ModelFormatException">The stream is not an index file, or is cut short.</exception>
    public static ItemIndexes? Read(FactorModel model, Stream input, ItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        var head = model.Ranking ?? throw new InvalidOperationException("The model has no ranking head.");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Span<byte> header = stackalloc byte[HeaderLength];
        try
        {
            input.ReadExactly(header);
        }
        catch (EndOfStreamException)
        {
            throw new ModelFormatException("The stored item indexes are cut short.");
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic || BinaryPrimitives.ReadInt32LittleEndian(header[4..]) != FormatVersion)
            throw new ModelFormatException("The stored item indexes are not in a format this version reads.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        var dimensions = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var built = options with
        {
            Connectivity = BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            ExpansionAdd = BinaryPrimitives.ReadInt32LittleEndian(header[20..]),
            ExpansionSearch = BinaryPrimitives.ReadInt32LittleEndian(header[24..]),
        };
        if (built != options || options.ExpansionSearch != LoadedExpansionSearch || count > head.ItemCount || dimensions != head.Factors)
            return null;
        var lists = ReadIndex(input, count, dimensions, IndexMetric.InnerProduct, options);
        var similar = header[28] == 1 ? ReadIndex(input, count, dimensions, IndexMetric.Cosine, options) : null;
        var indexes = new ItemIndexes(lists, similar, System.Diagnostics.Stopwatch.GetElapsedTime(started)) { Stored = true };
        head.UseIndexes(indexes);
        return indexes;
    }

    private static void WriteIndex(ItemIndex index, Stream output)
    {
        var path = Path.Combine(Path.GetTempPath(), $"item-index-{Guid.NewGuid():N}.usearch");
        try
        {
            index.Save(path);
            using var file = File.OpenRead(path);
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(length, file.Length);
            output.Write(length);
            file.CopyTo(output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ItemIndex ReadIndex(Stream input, int count, int dimensions, IndexMetric metric, ItemIndexOptions options)
    {
        Span<byte> prefix = stackalloc byte[8];
        var path = Path.Combine(Path.GetTempPath(), $"item-index-{Guid.NewGuid():N}.usearch");
        try
        {
            input.ReadExactly(prefix);
            var length = BinaryPrimitives.ReadInt64LittleEndian(prefix);
            if (length <= 0) throw new ModelFormatException("A stored item index has no bytes.");
            using (var file = File.Create(path))
            {
                var buffer = new byte[1 << 20];
                for (var left = length; left > 0;)
                {
                    var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (read == 0) throw new ModelFormatException("The stored item indexes are cut short.");
                    file.Write(buffer, 0, read);
                    left -= read;
                }
            }
            return ItemIndex.Load(path, count, dimensions, metric, options);
        }
        catch (EndOfStreamException)
        {
            throw new ModelFormatException("The stored item indexes are cut short.");
        }
        catch (Cloud.Unum.USearch.USearchException ex)
        {
            throw new ModelFormatException($"A stored item index could not be read: {ex.Message}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
