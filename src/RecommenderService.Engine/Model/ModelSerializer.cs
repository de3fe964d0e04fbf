using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RecommenderService.Engine;

/// <summary>
/// Binary format of a <see cref="FactorModel"/>: an 8-byte magic, a format version, a section table, the sections
/// and a SHA-256 of everything before it. All numbers are little-endian; arrays are raw blocks read straight into
/// their destination (no per-float work), so a 60 MB model loads at disk or memory speed.
/// </summary>
/// <remarks>
/// <para>Layout: <c>"RSFMODEL"</c> · u32 version · u32 section count · per section (u32 tag, u32 flags, u64 length) ·
/// the sections in table order · 32-byte SHA-256.</para>
/// <para>Version 1 sections: META (i32 k, i32 users, i32 items, f32 μ, f32 scale min, f32 scale max), UIDS and IIDS
/// (i32 count, i32 UTF-8 byte length per id, the bytes), UBIA, IBIA (f32 biases), PFAC, QFAC (f32 rows).</para>
/// <para>Optional section RANK (the <see cref="FactorModel.Ranking"/> head, written only when present, flags 0 so older
/// readers skip it): i32 k, i32 users, i32 items, f32 α, f32 λ, i32 weighting, then X (users × k f32) and Y (items × k f32).
/// A file without it loads as a model without a ranking head. Weighting 0 binary, 1 rating, 2 rating squared.</para>
/// <para>Section RNEG (the head's explicit negatives, <see cref="RankingFeedback.DislikedAt"/>; written before RANK and
/// only when the head has them, flags required: a reader that would fold users in without them must refuse the file):
/// f32 disliked-at on the model's scale, f32 confidence bonus of a negative. A file without it loads with every rated
/// item chosen, as heads were trained before negatives existed.</para>
/// <para>Optional section ATTR (the <see cref="FactorModel.AttributeMap"/>, written only when present, flags 0): i32 A
/// (attributes), i32 k, i32 h (0 without a ranking head), i32 items fitted on, the attribute names encoded as UIDS, then
/// (A + 1) × (1 + k + h) f32 weights, row-major, the intercept row last. A file without it loads without a map: its new
/// items wait for the next training, as before the map existed.</para>
/// <para>Optional section UATR (the <see cref="FactorModel.UserAttributeMap"/>, flags 0), laid out exactly as ATTR with
/// user profile tokens for attribute names and [b_u, p_u, x_u] for columns, the header's count being the users fitted
/// on. A file without it loads without a user map: users with a profile and no ratings get the popular list, as before
/// the map existed; a reader from before it skips it and serves the rest of the model.</para>
/// <para>Optional section UREG (flags 0, after UATR and only with it): f32 λ per token of the user map's rating-head
/// columns, as <see cref="UserMapPenalty"/> chose it (+∞: the intercept alone), then f32 λ of its ranking-head columns. A
/// file without it loads with both unrecorded (NaN).</para>
/// <para>Room to grow: a reader skips sections whose tag it does not know unless their flags mark them required,
/// so a later part (a ranking head) can be added as a new optional section without a version bump; a change
/// older readers must not ignore sets the required flag or bumps the version.</para>
/// </remarks>
public static class ModelSerializer
{
    /// <summary>The current format version written by <see cref="Write"/>.</summary>
    public const int FormatVersion = 1;

    private const uint RequiredFlag = 1;
    private const int SectionEntryBytes = 16;
    private const int HashBytes = 32;
    private const int MaxSections = 64;
    private static ReadOnlySpan<byte> Magic => "RSFMODEL"u8;

    private static readonly uint Meta = Tag("META"), UserIds = Tag("UIDS"), ItemIds = Tag("IIDS"),
        UserBias = Tag("UBIA"), ItemBias = Tag("IBIA"), UserFactors = Tag("PFAC"), ItemFactors = Tag("QFAC"),
        Ranking = Tag("RANK"), RankingNegatives = Tag("RNEG"), AttributeMap = Tag("ATTR"), UserAttributeMap = Tag("UATR"),
        UserMapPenalty = Tag("UREG");
    private const int RankingHeaderBytes = 24;
    private const int RankingNegativesBytes = 8;
    private const int AttributeHeaderBytes = 16;
    private const int UserMapPenaltyBytes = 8;

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/> (from its current position).</summary>
    public static void Write(FactorModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        RequireLittleEndian();
        var userIds = EncodeIds(model.Users);
        var itemIds = EncodeIds(model.Items);
        var sections = new (uint Tag, long Length)[]
        {
            (Meta, 24), (UserIds, userIds.Length), (ItemIds, itemIds.Length),
            (UserBias, model.UserBias.Length * 4L), (ItemBias, model.ItemBias.Length * 4L),
            (UserFactors, model.UserFactors.Length * 4L), (ItemFactors, model.ItemFactors.Length * 4L),
        };
        if (model.Ranking is { Feedback.HasNegatives: true })
            sections = [.. sections, (RankingNegatives, RankingNegativesBytes)];
        if (model.Ranking is { } head)
            sections = [.. sections, (Ranking, RankingHeaderBytes + (head.UserFactors.Length + (long)head.ItemFactors.Length) * 4)];
        var attributeNames = model.AttributeMap is { } map ? EncodeIds(map.Attributes) : null;
        if (model.AttributeMap is { } fitted)
            sections = [.. sections, (AttributeMap, AttributeHeaderBytes + attributeNames!.Length + fitted.Weights.Length * 4L)];
        var userTokenNames = model.UserAttributeMap is { } userMap ? EncodeIds(userMap.Attributes) : null;
        if (model.UserAttributeMap is { } fittedUsers)
            sections = [.. sections, (UserAttributeMap, AttributeHeaderBytes + userTokenNames!.Length + fittedUsers.Weights.Length * 4L)];
        // A map read from a file without it has no recorded λ, and is written back as it was read.
        if (model.UserAttributeMap is { Regularization: var lambda } && !float.IsNaN(lambda))
            sections = [.. sections, (UserMapPenalty, UserMapPenaltyBytes)];

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            stream.Write(bytes);
        }

        Span<byte> header = stackalloc byte[16 + MaxSections * SectionEntryBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], sections.Length);
        for (var s = 0; s < sections.Length; s++)
        {
            var entry = header.Slice(16 + s * SectionEntryBytes, SectionEntryBytes);
            BinaryPrimitives.WriteUInt32LittleEndian(entry, sections[s].Tag);
            // Both heads' extras are optional: a reader that predates them still serves the rating head.
            var optional = sections[s].Tag == Ranking || sections[s].Tag == AttributeMap || sections[s].Tag == UserAttributeMap
                || sections[s].Tag == UserMapPenalty;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], optional ? 0u : RequiredFlag);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], sections[s].Length);
        }
        Put(header[..(16 + sections.Length * SectionEntryBytes)]);

        Span<byte> meta = stackalloc byte[24];
        BinaryPrimitives.WriteInt32LittleEndian(meta, model.Factors);
        BinaryPrimitives.WriteInt32LittleEndian(meta[4..], model.Users.Count);
        BinaryPrimitives.WriteInt32LittleEndian(meta[8..], model.Items.Count);
        BinaryPrimitives.WriteSingleLittleEndian(meta[12..], model.GlobalMean);
        BinaryPrimitives.WriteSingleLittleEndian(meta[16..], model.Scale.Min);
        BinaryPrimitives.WriteSingleLittleEndian(meta[20..], model.Scale.Max);
        Put(meta);
        Put(userIds);
        Put(itemIds);
        Put(MemoryMarshal.AsBytes(model.UserBias.AsSpan()));
        Put(MemoryMarshal.AsBytes(model.ItemBias.AsSpan()));
        Put(MemoryMarshal.AsBytes(model.UserFactors.AsSpan()));
        Put(MemoryMarshal.AsBytes(model.ItemFactors.AsSpan()));
        if (model.Ranking is { Feedback: { HasNegatives: true } feedback })
        {
            Span<byte> negatives = stackalloc byte[RankingNegativesBytes];
            BinaryPrimitives.WriteSingleLittleEndian(negatives, feedback.DislikedAt);
            BinaryPrimitives.WriteSingleLittleEndian(negatives[4..], feedback.NegativeAlpha);
            Put(negatives);
        }
        if (model.Ranking is { } ranking)
        {
            Span<byte> rankingHeader = stackalloc byte[RankingHeaderBytes];
            BinaryPrimitives.WriteInt32LittleEndian(rankingHeader, ranking.Factors);
            BinaryPrimitives.WriteInt32LittleEndian(rankingHeader[4..], ranking.UserCount);
            BinaryPrimitives.WriteInt32LittleEndian(rankingHeader[8..], ranking.ItemCount);
            BinaryPrimitives.WriteSingleLittleEndian(rankingHeader[12..], ranking.Alpha);
            BinaryPrimitives.WriteSingleLittleEndian(rankingHeader[16..], ranking.Regularization);
            BinaryPrimitives.WriteInt32LittleEndian(rankingHeader[20..], (int)ranking.Weighting);
            Put(rankingHeader);
            Put(MemoryMarshal.AsBytes(ranking.UserFactors.AsSpan()));
            Put(MemoryMarshal.AsBytes(ranking.ItemFactors.AsSpan()));
        }
        if (model.AttributeMap is { } attributes) PutMap(attributes, attributeNames!);
        if (model.UserAttributeMap is { } users) PutMap(users, userTokenNames!);
        if (model.UserAttributeMap is { Regularization: var chosen } recorded && !float.IsNaN(chosen))
        {
            Span<byte> penalty = stackalloc byte[UserMapPenaltyBytes];
            BinaryPrimitives.WriteSingleLittleEndian(penalty, chosen);
            BinaryPrimitives.WriteSingleLittleEndian(penalty[4..], recorded.RankingRegularization);
            Put(penalty);
        }

        Span<byte> digest = stackalloc byte[HashBytes];
        hash.GetHashAndReset(digest);
        stream.Write(digest);

        void PutMap(AttributeFactors map, byte[] names)
        {
            Span<byte> mapHeader = stackalloc byte[AttributeHeaderBytes];
            BinaryPrimitives.WriteInt32LittleEndian(mapHeader, map.Attributes.Count);
            BinaryPrimitives.WriteInt32LittleEndian(mapHeader[4..], map.RatingFactors);
            BinaryPrimitives.WriteInt32LittleEndian(mapHeader[8..], map.RankingFactors);
            BinaryPrimitives.WriteInt32LittleEndian(mapHeader[12..], map.Fitted);
            Put(mapHeader);
            Put(names);
            Put(MemoryMarshal.AsBytes(map.Weights));
        }
    }

    /// <summary>Reads a model written by <see cref="Write"/>.</summary>
    /// <exception cref="ModelFormatException">The data is not a model, has an unsupported version, is truncated or corrupt.</exception>
    public static FactorModel Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireLittleEndian();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var reader = new SectionReader(stream, hash);

        Span<byte> fixedHeader = stackalloc byte[16];
        reader.Read(fixedHeader, "the header");
        if (!fixedHeader[..8].SequenceEqual(Magic))
            throw new ModelFormatException("Not a RecommenderService model: the magic bytes are wrong.");
        var version = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[8..]);
        if (version != FormatVersion)
            throw new ModelFormatException($"Unsupported model format version {version}; this reader handles version {FormatVersion}.");
        var sectionCount = BinaryPrimitives.ReadInt32LittleEndian(fixedHeader[12..]);
        if (sectionCount is < 1 or > MaxSections)
            throw new ModelFormatException($"Corrupt model: the section count {sectionCount} is out of range.");

        Span<byte> table = stackalloc byte[sectionCount * SectionEntryBytes];
        reader.Read(table, "the section table");
        long promised = 16 + table.Length + HashBytes;
        for (var s = 0; s < sectionCount; s++)
        {
            var length = BinaryPrimitives.ReadInt64LittleEndian(table[(s * SectionEntryBytes + 8)..]);
            if (length is < 0 or > int.MaxValue)
                throw new ModelFormatException($"Corrupt model: section {s} claims {length} bytes.");
            promised += length;
        }
        if (stream.CanSeek && stream.Length - stream.Position < promised - 16 - table.Length)
            throw new ModelFormatException(
                $"Truncated model: the header promises {promised} bytes but only {stream.Length - stream.Position + 16 + table.Length} are there.");

        int factors = -1, users = -1, items = -1;
        float mean = 0;
        var scale = RatingScale.OneToFive;
        IdMap? userIds = null, itemIds = null;
        Span<byte> metaBytes = stackalloc byte[24];
        Span<byte> negativeBytes = stackalloc byte[RankingNegativesBytes];
        Span<byte> penaltyBytes = stackalloc byte[UserMapPenaltyBytes];
        float[]? userBias = null, itemBias = null, userFactors = null, itemFactors = null;
        RankingHead? rankingHead = null;
        (float DislikedAt, float Bonus)? rankingNegatives = null;
        AttributeFactors? attributeMap = null, userAttributeMap = null;
        (float Rating, float Ranking)? userMapPenalty = null;
        for (var s = 0; s < sectionCount; s++)
        {
            var entry = table.Slice(s * SectionEntryBytes, SectionEntryBytes);
            var tag = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
            var length = (int)BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            var name = TagName(tag);
            if (tag == Meta)
            {
                if (length != 24) throw new ModelFormatException($"Corrupt model: META is {length} bytes, expected 24.");
                var meta = metaBytes;
                reader.Read(meta, name);
                factors = BinaryPrimitives.ReadInt32LittleEndian(meta);
                users = BinaryPrimitives.ReadInt32LittleEndian(meta[4..]);
                items = BinaryPrimitives.ReadInt32LittleEndian(meta[8..]);
                mean = BinaryPrimitives.ReadSingleLittleEndian(meta[12..]);
                scale = new RatingScale(BinaryPrimitives.ReadSingleLittleEndian(meta[16..]), BinaryPrimitives.ReadSingleLittleEndian(meta[20..]));
                if (factors < 0 || users < 0 || items < 0)
                    throw new ModelFormatException($"Corrupt model: META has negative sizes (k {factors}, {users} users, {items} items).");
            }
            else if (tag == UserIds || tag == ItemIds || tag == UserBias || tag == ItemBias || tag == UserFactors || tag == ItemFactors)
            {
                if (factors < 0) throw new ModelFormatException($"Corrupt model: section {name} comes before META.");
                if (tag == UserIds) userIds = reader.ReadIds(length, users, name);
                else if (tag == ItemIds) itemIds = reader.ReadIds(length, items, name);
                else if (tag == UserBias) userBias = reader.ReadFloats(length, users, name);
                else if (tag == ItemBias) itemBias = reader.ReadFloats(length, items, name);
                else if (tag == UserFactors) userFactors = reader.ReadFloats(length, (long)users * factors, name);
                else itemFactors = reader.ReadFloats(length, (long)items * factors, name);
            }
            else if (tag == Ranking)
            {
                if (factors < 0) throw new ModelFormatException($"Corrupt model: section {name} comes before META.");
                rankingHead = reader.ReadRanking(length, users, items, name);
            }
            else if (tag == RankingNegatives)
            {
                if (length != RankingNegativesBytes)
                    throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, expected {RankingNegativesBytes}.");
                var negatives = negativeBytes;
                reader.Read(negatives, $"section {name}");
                rankingNegatives = (BinaryPrimitives.ReadSingleLittleEndian(negatives), BinaryPrimitives.ReadSingleLittleEndian(negatives[4..]));
                if (!float.IsFinite(rankingNegatives.Value.DislikedAt) || !(float.IsFinite(rankingNegatives.Value.Bonus) && rankingNegatives.Value.Bonus >= 0))
                    throw new ModelFormatException(
                        $"Corrupt model: section {name} has invalid settings (disliked at {rankingNegatives.Value.DislikedAt}, bonus {rankingNegatives.Value.Bonus}).");
            }
            else if (tag == AttributeMap || tag == UserAttributeMap)
            {
                if (factors < 0) throw new ModelFormatException($"Corrupt model: section {name} comes before META.");
                var map = reader.ReadAttributeMap(length, factors, name);
                if (tag == AttributeMap) attributeMap = map; else userAttributeMap = map;
            }
            else if (tag == UserMapPenalty)
            {
                if (length != UserMapPenaltyBytes)
                    throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, expected {UserMapPenaltyBytes}.");
                var penalty = penaltyBytes;
                reader.Read(penalty, $"section {name}");
                var (rating, ranking) = (BinaryPrimitives.ReadSingleLittleEndian(penalty), BinaryPrimitives.ReadSingleLittleEndian(penalty[4..]));
                if (!(rating > 0 && ranking > 0))
                    throw new ModelFormatException($"Corrupt model: section {name} has λ {rating} and {ranking}; both must be positive.");
                userMapPenalty = (rating, ranking);
            }
            else if ((flags & RequiredFlag) != 0)
            {
                throw new ModelFormatException($"The model needs section {name}, which this reader does not know; it was written by a newer version.");
            }
            else
            {
                reader.Skip(length, name);
            }
        }

        Span<byte> expected = stackalloc byte[HashBytes];
        hash.GetHashAndReset(expected);
        Span<byte> stored = stackalloc byte[HashBytes];
        try
        {
            stream.ReadExactly(stored);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException("Truncated model: the checksum at the end is missing.", e);
        }
        if (!expected.SequenceEqual(stored))
            throw new ModelFormatException("Corrupt model: the SHA-256 checksum does not match the contents.");

        if (userIds is null || itemIds is null || userBias is null || itemBias is null || userFactors is null || itemFactors is null)
            throw new ModelFormatException("Corrupt model: a required section (ids, biases or factors) is missing.");
        if (rankingNegatives is { } n)
        {
            if (rankingHead is null) throw new ModelFormatException("Corrupt model: section RNEG without a ranking head (RANK).");
            rankingHead = new RankingHead(rankingHead.Factors, rankingHead.UserFactors, rankingHead.ItemFactors,
                rankingHead.Feedback with { DislikedAt = n.DislikedAt, NegativeAlpha = n.Bonus }, rankingHead.Regularization);
        }
        if (attributeMap is not null && attributeMap.RankingFactors != (rankingHead?.Factors ?? 0))
            throw new ModelFormatException(
                $"Corrupt model: section ATTR derives ranking vectors of {attributeMap.RankingFactors} factors; the ranking head has {rankingHead?.Factors ?? 0}.");
        if (userAttributeMap is not null && userAttributeMap.RankingFactors != (rankingHead?.Factors ?? 0))
            throw new ModelFormatException(
                $"Corrupt model: section UATR derives ranking vectors of {userAttributeMap.RankingFactors} factors; the ranking head has {rankingHead?.Factors ?? 0}.");
        if (userMapPenalty is { } recorded)
        {
            if (userAttributeMap is null) throw new ModelFormatException("Corrupt model: section UREG without a user attribute map (UATR).");
            userAttributeMap = userAttributeMap.WithRegularization(recorded.Rating, recorded.Ranking);
        }
        return new FactorModel(userIds, itemIds, factors, mean, userBias, itemBias, userFactors, itemFactors, scale, rankingHead, attributeMap,
            userAttributeMap);
    }

    private static byte[] EncodeIds(IdMap ids) => EncodeIds(ids.Ids);

    private static byte[] EncodeIds(IReadOnlyList<string> ids)
    {
        var bytes = 4 + 4L * ids.Count;
        foreach (var id in ids) bytes += Encoding.UTF8.GetByteCount(id);
        if (bytes > int.MaxValue) throw new InvalidOperationException("The id map is too large to serialise.");
        var result = new byte[bytes];
        BinaryPrimitives.WriteInt32LittleEndian(result, ids.Count);
        var text = 4 + 4 * ids.Count;
        for (var i = 0; i < ids.Count; i++)
        {
            var written = Encoding.UTF8.GetBytes(ids[i], result.AsSpan(text));
            BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(4 + 4 * i), written);
            text += written;
        }
        return result;
    }

    private static uint Tag(string name) => BinaryPrimitives.ReadUInt32LittleEndian(Encoding.ASCII.GetBytes(name));

    private static string TagName(uint tag)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, tag);
        foreach (var b in bytes)
            if (b is < 0x20 or > 0x7e) return $"0x{tag:X8}";
        return Encoding.ASCII.GetString(bytes);
    }

    private static void RequireLittleEndian()
    {
        // Arrays are copied as raw memory; a big-endian port would byte-swap here.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model serialisation needs a little-endian CPU.");
    }

    /// <summary>Reads sections straight into their arrays while feeding the checksum, turning short reads into clear errors.</summary>
    private readonly struct SectionReader(Stream stream, IncrementalHash hash)
    {
        public void Read(Span<byte> destination, string what)
        {
            try
            {
                stream.ReadExactly(destination);
            }
            catch (EndOfStreamException e)
            {
                throw new ModelFormatException($"Truncated model: the data ends inside {what}.", e);
            }
            hash.AppendData(destination);
        }

        public float[] ReadFloats(int length, long count, string name)
        {
            if (length != count * 4)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, expected {count * 4} for the sizes in META.");
            var values = new float[count];
            Read(MemoryMarshal.AsBytes(values.AsSpan()), $"section {name}");
            return values;
        }

        public RankingHead ReadRanking(int length, int users, int items, string name)
        {
            if (length < RankingHeaderBytes)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, too short for its header.");
            Span<byte> header = stackalloc byte[RankingHeaderBytes];
            Read(header, $"section {name}");
            var k = BinaryPrimitives.ReadInt32LittleEndian(header);
            var headUsers = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            var headItems = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            var alpha = BinaryPrimitives.ReadSingleLittleEndian(header[12..]);
            var lambda = BinaryPrimitives.ReadSingleLittleEndian(header[16..]);
            var weighting = (ConfidenceWeighting)BinaryPrimitives.ReadInt32LittleEndian(header[20..]);
            if (k < 1 || headUsers != users || headItems != items)
                throw new ModelFormatException($"Corrupt model: section {name} has k {k}, {headUsers} users, {headItems} items; META has {users} users, {items} items.");
            if (!Enum.IsDefined(weighting) || !(float.IsFinite(alpha) && alpha >= 0) || !(float.IsFinite(lambda) && lambda > 0))
                throw new ModelFormatException($"Corrupt model: section {name} has invalid settings (α {alpha}, λ {lambda}, weighting {(int)weighting}).");
            var expected = RankingHeaderBytes + ((long)users + items) * k * 4;
            if (length != expected)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, expected {expected}.");
            var x = new float[(long)users * k];
            var y = new float[(long)items * k];
            Read(MemoryMarshal.AsBytes(x.AsSpan()), $"section {name}");
            Read(MemoryMarshal.AsBytes(y.AsSpan()), $"section {name}");
            return new RankingHead(k, x, y, alpha, weighting, lambda);
        }

        public AttributeFactors ReadAttributeMap(int length, int factors, string name)
        {
            if (length < AttributeHeaderBytes)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, too short for its header.");
            Span<byte> header = stackalloc byte[AttributeHeaderBytes];
            Read(header, $"section {name}");
            var count = BinaryPrimitives.ReadInt32LittleEndian(header);
            var k = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            var h = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            var fitted = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            if (count < 0 || k != factors || h < 0 || fitted < 0)
                throw new ModelFormatException($"Corrupt model: section {name} has {count} attributes, k {k}, h {h}, {fitted} rows; META has k {factors}.");
            var weightBytes = (count + 1L) * (1L + k + h) * 4;
            var nameBytes = length - AttributeHeaderBytes - weightBytes;
            if (nameBytes < 4 + 4L * count)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, too short for {count} attributes and their weights.");
            var names = ReadIds((int)nameBytes, count, name);
            var weights = new float[weightBytes / 4];
            Read(MemoryMarshal.AsBytes(weights.AsSpan()), $"section {name}");
            return AttributeFactors.FromWeights(names.Ids.ToArray(), weights, k, h, fitted);
        }

        public IdMap ReadIds(int length, int count, string name)
        {
            if (length < 4 + 4L * count)
                throw new ModelFormatException($"Corrupt model: section {name} is {length} bytes, too short for {count} ids.");
            var bytes = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var data = bytes.AsSpan(0, length);
                Read(data, $"section {name}");
                if (BinaryPrimitives.ReadInt32LittleEndian(data) != count)
                    throw new ModelFormatException($"Corrupt model: section {name} holds a different id count than META.");
                var ids = new string[count];
                var text = 4 + 4 * count;
                for (var i = 0; i < count; i++)
                {
                    var size = BinaryPrimitives.ReadInt32LittleEndian(data[(4 + 4 * i)..]);
                    if (size < 0 || size > length - text)
                        throw new ModelFormatException($"Corrupt model: id {i} of section {name} runs past the section.");
                    ids[i] = Encoding.UTF8.GetString(data.Slice(text, size));
                    text += size;
                }
                if (text != length) throw new ModelFormatException($"Corrupt model: section {name} has {length - text} stray bytes.");
                try
                {
                    return new IdMap(ids);
                }
                catch (ArgumentException e)
                {
                    throw new ModelFormatException($"Corrupt model: section {name} holds a duplicate id.", e);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }

        public void Skip(int length, string name)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(length, 1 << 16));
            try
            {
                for (var left = length; left > 0;)
                {
                    var chunk = Math.Min(left, buffer.Length);
                    Read(buffer.AsSpan(0, chunk), $"section {name}");
                    left -= chunk;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
