using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RecommenderService.Engine.Tests;

public sealed class ModelSerializerTests
{
    private static readonly FactorModel Model = new(
        new IdMap(["alice", "bøb", "日本"]), new IdMap(["i1", "i2", "i3", "i4"]), 5, 3.53f,
        [0.1f, -0.2f, float.Epsilon], [1, 2, 3, -0.5f],
        Enumerable.Range(0, 15).Select(i => i * 0.37f - 2).ToArray(), Enumerable.Range(0, 20).Select(i => MathF.Sin(i)).ToArray(),
        new RatingScale(0.5f, 10f));

    [Fact]
    public void Round_trip_is_bit_exact()
    {
        var copy = ModelSerializer.Read(new MemoryStream(Serialize(Model)));

        Assert.Equal(Model.Factors, copy.Factors);
        Assert.Equal(Model.GlobalMean, copy.GlobalMean);
        Assert.Equal(Model.Scale, copy.Scale);
        Assert.Equal(Model.Users.Ids, copy.Users.Ids);
        Assert.Equal(Model.Items.Ids, copy.Items.Ids);
        Assert.True(copy.Users.TryGetIndex("日本", out var index) && index == 2);
        Assert.True(SameBits(Model.UserBias, copy.UserBias));
        Assert.True(SameBits(Model.ItemBias, copy.ItemBias));
        Assert.True(SameBits(Model.UserFactors, copy.UserFactors));
        Assert.True(SameBits(Model.ItemFactors, copy.ItemFactors));
    }

    [Fact]
    public void A_trained_model_round_trips_through_a_file_and_predicts_the_same()
    {
        var ratings = ToyRatings.Build();
        var model = new SgdTrainer(new TrainingOptions { Factors = 3, Epochs = 20, Threads = 1 }).Train(ratings).Model;
        var path = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.bin");
        try
        {
            using (var file = File.Create(path)) ModelSerializer.Write(model, file);
            using var read = File.OpenRead(path);
            var copy = ModelSerializer.Read(read);
            for (var u = 0; u < ratings.UserCount; u++)
                for (var i = 0; i < ratings.ItemCount; i++)
                    Assert.Equal(model.Predict(u, i), copy.Predict(u, i));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_flipped_byte_is_refused_by_the_checksum()
    {
        var bytes = Serialize(Model);
        bytes[bytes.Length - 40] ^= 0x10; // inside the item factors
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_clear_error()
    {
        var bytes = Serialize(Model);
        for (var length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes, 0, length)));
            Assert.Contains("Truncated", error.Message);
        }
    }

    [Fact]
    public void Truncation_is_detected_on_a_stream_that_cannot_seek()
    {
        var bytes = Serialize(Model);
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new ForwardOnlyStream(bytes[..(bytes.Length / 2)])));
        Assert.Contains("Truncated", error.Message);
    }

    [Fact]
    public void Wrong_magic_is_refused()
    {
        var bytes = Serialize(Model);
        bytes[0] = (byte)'X';
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        var bytes = Serialize(Model);
        bytes[8] = 2;
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("version 2", error.Message);
    }

    [Fact]
    public void An_unknown_optional_section_is_skipped_so_a_later_part_can_be_added()
    {
        var bytes = WithExtraSection(Serialize(Model), "XTRA", flags: 0, [1, 2, 3, 4, 5]);
        var copy = ModelSerializer.Read(new MemoryStream(bytes));
        Assert.True(SameBits(Model.ItemFactors, copy.ItemFactors));
    }

    [Fact]
    public void An_unknown_required_section_is_refused_as_written_by_a_newer_version()
    {
        var bytes = WithExtraSection(Serialize(Model), "XTRA", flags: 1, [1, 2, 3]);
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("XTRA", error.Message);
        Assert.Contains("newer", error.Message);
    }

    private static readonly FactorModel WithRanking = Model.WithRanking(new RankingHead(2,
        Enumerable.Range(0, 6).Select(i => i * 0.5f - 1).ToArray(), Enumerable.Range(0, 8).Select(i => MathF.Cos(i)).ToArray(),
        0.25f, ConfidenceWeighting.Rating, 20f));

    [Fact]
    public void A_model_with_a_ranking_head_round_trips_bit_exact()
    {
        var copy = ModelSerializer.Read(new MemoryStream(Serialize(WithRanking)));

        Assert.NotNull(copy.Ranking);
        var (head, read) = (WithRanking.Ranking!, copy.Ranking!);
        Assert.Equal(head.Factors, read.Factors);
        Assert.Equal(head.Alpha, read.Alpha);
        Assert.Equal(head.Regularization, read.Regularization);
        Assert.Equal(head.Weighting, read.Weighting);
        Assert.True(SameBits(head.UserFactors, read.UserFactors));
        Assert.True(SameBits(head.ItemFactors, read.ItemFactors));
        Assert.True(SameBits(Model.ItemFactors, copy.ItemFactors));
        Assert.Equal(Serialize(WithRanking), Serialize(copy));
    }

    private static readonly FactorModel WithNegatives = Model.WithRanking(new RankingHead(2,
        Enumerable.Range(0, 6).Select(i => i * 0.5f - 1).ToArray(), Enumerable.Range(0, 8).Select(i => MathF.Cos(i)).ToArray(),
        new RankingFeedback(ConfidenceWeighting.RatingSquared, 0.5f, 2f, 4f), 20f));

    [Fact]
    public void A_ranking_head_with_negatives_round_trips_and_folds_in_the_same()
    {
        var copy = ModelSerializer.Read(new MemoryStream(Serialize(WithNegatives)));

        Assert.Equal(WithNegatives.Ranking!.Feedback, copy.Ranking!.Feedback);
        Assert.True(SameBits(WithNegatives.Ranking.ItemFactors, copy.Ranking.ItemFactors));
        Assert.Equal(Serialize(WithNegatives), Serialize(copy));
        // The fold-in reads the rating 1 as a negative in both.
        Assert.Equal(FoldIn.SolveRanking(WithNegatives, [0, 2], [1f, 5f]), FoldIn.SolveRanking(copy, [0, 2], [1f, 5f]));
    }

    [Fact]
    public void The_negatives_section_is_required_and_comes_before_the_ranking_head()
    {
        // An older reader would fold users in with every rating chosen; it must refuse the file instead.
        var bytes = Serialize(WithNegatives);
        Assert.Equal(9, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        var negatives = bytes.AsSpan(16 + 7 * 16, 16);
        Assert.Equal("RNEG", Encoding.ASCII.GetString(negatives[..4]));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(negatives[4..]));
        Assert.Equal("RANK", Encoding.ASCII.GetString(bytes.AsSpan(16 + 8 * 16, 4)));
    }

    [Fact]
    public void A_file_without_negatives_loads_with_every_rating_chosen_as_before()
    {
        var copy = ModelSerializer.Read(new MemoryStream(Serialize(WithRanking)));

        Assert.False(copy.Ranking!.Feedback.HasNegatives);
        Assert.Equal(RankingFeedback.ChosenOnly(ConfidenceWeighting.Rating, 0.25f), copy.Ranking.Feedback);
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(Serialize(WithRanking).AsSpan(12)));
    }

    [Fact]
    public void A_negatives_section_without_a_ranking_head_is_refused()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 2f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), 4f);
        var bytes = WithExtraSection(Serialize(Model), "RNEG", flags: 1, data);

        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("RNEG", error.Message);
    }

    [Fact]
    public void A_model_without_a_ranking_head_has_no_ranking_section_and_loads_without_one()
    {
        var bytes = Serialize(Model);
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Null(ModelSerializer.Read(new MemoryStream(bytes)).Ranking);
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(Serialize(WithRanking).AsSpan(12)));
    }

    [Fact]
    public void The_ranking_section_is_optional_so_a_reader_that_does_not_know_it_would_skip_it()
    {
        var bytes = Serialize(WithRanking);
        var entry = bytes.AsSpan(16 + 7 * 16, 16);
        Assert.Equal("RANK", Encoding.ASCII.GetString(entry[..4]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
    }

    [Fact]
    public void A_flipped_byte_in_the_ranking_section_is_refused_by_the_checksum()
    {
        var bytes = Serialize(WithRanking);
        bytes[bytes.Length - 40] ^= 0x10; // inside the ranking item factors
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void A_ranking_section_whose_sizes_disagree_with_the_model_is_refused()
    {
        var header = new byte[24];
        BinaryPrimitives.WriteInt32LittleEndian(header, 2);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 4); // META says 3 users
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), 4);
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(12), 1);
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(16), 1);
        var bytes = WithExtraSection(Serialize(Model), "RANK", flags: 0, [.. header, .. new byte[64]]);
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("RANK", error.Message);
    }

    private static readonly FactorModel WithAttributeMap = WithRanking.WithAttributeMap(AttributeFactors.Fit(WithRanking,
        i => i switch { 0 => ["genre:Comedy"], 1 => ["genre:Drama", "année:1995"], 2 => ["genre:Comedy", "genre:Drama"], _ => null },
        regularization: 0.5f));

    [Fact]
    public void A_model_with_an_attribute_map_round_trips_bit_exact_and_derives_the_same_vectors()
    {
        var bytes = Serialize(WithAttributeMap);
        var copy = ModelSerializer.Read(new MemoryStream(bytes));

        Assert.NotNull(copy.AttributeMap);
        var (map, read) = (WithAttributeMap.AttributeMap!, copy.AttributeMap!);
        Assert.Equal(map.Attributes, read.Attributes);
        Assert.Equal((map.RatingFactors, map.RankingFactors, map.Fitted), (read.RatingFactors, read.RankingFactors, read.Fitted));
        foreach (var attributes in new string[][] { ["genre:Comedy"], ["année:1995", "genre:Drama"], [] })
        {
            var (b, q, y) = map.Derive(attributes);
            var (rb, rq, ry) = read.Derive(attributes);
            Assert.Equal(b, rb);
            Assert.True(SameBits(q, rq) && SameBits(y, ry));
        }
        Assert.NotNull(copy.Ranking);
        Assert.Equal(bytes, Serialize(copy));
    }

    [Fact]
    public void The_attribute_map_section_is_optional_so_older_readers_skip_it()
    {
        var bytes = Serialize(WithAttributeMap);
        Assert.Equal(9, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        var entry = bytes.AsSpan(16 + 8 * 16, 16);
        Assert.Equal("ATTR", Encoding.ASCII.GetString(entry[..4]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
        Assert.Equal(Serialize(WithRanking).Length, bytes.Length - 16 - (int)BinaryPrimitives.ReadInt64LittleEndian(entry[8..]));
    }

    /// <summary>
    /// A model with a ranking head written by the serializer before the ATTR section existed (commit e696b2c): 2 users,
    /// 3 items, k = 2, h = 1.
    /// </summary>
    private const string FileFromBeforeTheAttributeMap =
        "UlNGTU9ERUwBAAAACAAAAE1FVEEBAAAAGAAAAAAAAABVSURTAQAAABAAAAAAAAAASUlEUwEAAAAWAAAAAAAAAFVCSUEBAAAACAAAAAAAAABJQklBAQAAAAwAAAAAAAAAUEZBQwEAAAAQAAAAAAAAAFFGQUMBAAAAGAAAAAAAAABSQU5LAAAAACwAAAAAAAAAAgAAAAIAAAADAAAAAABgQAAAgD8AAKBAAgAAAAIAAAACAAAAdTF1MgMAAAACAAAAAgAAAAIAAABpMWkyaTMAAIA+AAAAvwAAAD8AAIC/AAAAAAAAgD8AAAA/AACAvwAAAEAAAAA/AACAPgAAQL8AAIA/AAAAAAAAAD4BAAAAAgAAAAMAAAAAAIA+AAAAQAAAAAAAAIA/AACAvwAAAD8AAMA/AAAAwCtj0Aa49Gr0ikVIdNBJ1HBLpyWKozSwkX0Uc9dkDxRc";

    [Fact]
    public void A_file_written_before_the_attribute_map_loads_without_one_and_predicts_as_before()
    {
        var old = Convert.FromBase64String(FileFromBeforeTheAttributeMap);

        var model = ModelSerializer.Read(new MemoryStream(old));

        Assert.Null(model.AttributeMap);
        Assert.Null(model.UserAttributeMap);
        Assert.Equal(["i1", "i2", "i3"], model.Items.Ids);
        // μ 3.5 + b_u 0.25 + b_i 0.5 + (1, 0.5)·(0.5, 0.25) = 4.875; ranking x_0 · y_1 = 1 · 1.5.
        Assert.Equal(4.875f, model.Predict(0, 0), 5);
        Assert.Equal(1.5f, model.Ranking!.Score(0, 1), 5);
        Assert.Equal(old, Serialize(model));
        Assert.Same(model, ColdItems.Append(model, [new("new", ["genre:Comedy"])]));
    }

    [Fact]
    public void An_attribute_map_whose_factors_disagree_with_the_model_is_refused()
    {
        // k = 3 where META says 5: the map would derive vectors of the wrong length.
        var section = new byte[16 + 4 + 4 * (1 + 3 + 2)];
        BinaryPrimitives.WriteInt32LittleEndian(section.AsSpan(4), 3);
        BinaryPrimitives.WriteInt32LittleEndian(section.AsSpan(8), 2);
        var bytes = WithExtraSection(Serialize(WithRanking), "ATTR", flags: 0, section);
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("ATTR", error.Message);
    }

    private static readonly FactorModel WithBothMaps = WithAttributeMap.WithUserAttributeMap(AttributeFactors.FitUsers(WithAttributeMap,
        u => u switch { 0 => ["age:18-24", "zip:9"], 1 => ["age:25-34"], _ => ["zip:9", "gender:f"] }, regularization: 2f));

    [Fact]
    public void A_model_with_a_user_attribute_map_round_trips_bit_exact_and_derives_the_same_user_vectors()
    {
        var bytes = Serialize(WithBothMaps);
        var copy = ModelSerializer.Read(new MemoryStream(bytes));

        var (map, read) = (WithBothMaps.UserAttributeMap!, copy.UserAttributeMap!);
        Assert.Equal(map.Attributes, read.Attributes);
        Assert.Equal((map.RatingFactors, map.RankingFactors, map.Fitted, 2f), (read.RatingFactors, read.RankingFactors, read.Fitted, read.Regularization));
        var (b, p, x) = map.Derive(["zip:9", "age:25-34"]);
        var (rb, rp, rx) = read.Derive(["zip:9", "age:25-34"]);
        Assert.Equal(b, rb);
        Assert.True(SameBits(p, rp) && SameBits(x, rx));
        Assert.Equal(WithAttributeMap.AttributeMap!.Attributes, copy.AttributeMap!.Attributes);
        Assert.Equal(bytes, Serialize(copy));
    }

    [Fact]
    public void The_user_attribute_map_section_is_optional_and_leaves_every_other_byte_as_before()
    {
        var bytes = Serialize(WithBothMaps);
        var before = Serialize(WithAttributeMap);

        // UATR, then UREG (the map's λ), both optional.
        Assert.Equal(11, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        var entry = bytes.AsSpan(16 + 9 * 16, 16);
        var penalty = bytes.AsSpan(16 + 10 * 16, 16);
        Assert.Equal("UATR", Encoding.ASCII.GetString(entry[..4]));
        Assert.Equal("UREG", Encoding.ASCII.GetString(penalty[..4]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(penalty[4..]));
        Assert.Equal(before.Length, bytes.Length - 32 - (int)BinaryPrimitives.ReadInt64LittleEndian(entry[8..]) - 8);
        Assert.Equal(ModelSerializer.FormatVersion, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void The_user_maps_chosen_penalty_round_trips_and_a_file_without_it_loads_and_is_written_back_unchanged()
    {
        var meanUser = WithAttributeMap.WithUserAttributeMap(AttributeFactors.FitUsers(WithAttributeMap, _ => ["age:18-24"],
            regularization: float.PositiveInfinity, rankingRegularization: 50f));
        var withoutPenalty = WithoutLastSection(Serialize(WithBothMaps));

        var read = ModelSerializer.Read(new MemoryStream(Serialize(meanUser)));
        var old = ModelSerializer.Read(new MemoryStream(withoutPenalty));

        Assert.Equal((float.PositiveInfinity, 50f), (read.UserAttributeMap!.Regularization, read.UserAttributeMap.RankingRegularization));
        Assert.True(float.IsNaN(old.UserAttributeMap!.Regularization));
        Assert.Equal(WithBothMaps.UserAttributeMap!.Attributes, old.UserAttributeMap.Attributes);
        Assert.Equal(withoutPenalty, Serialize(old));
    }

    [Fact]
    public void A_user_map_penalty_without_a_user_map_or_not_positive_is_refused()
    {
        byte[] Penalty(float rating, float ranking) => [.. BitConverter.GetBytes(rating), .. BitConverter.GetBytes(ranking)];
        var orphan = WithExtraSection(Serialize(WithAttributeMap), "UREG", flags: 0, Penalty(200f, 50f));
        var negative = WithExtraSection(WithoutLastSection(Serialize(WithBothMaps)), "UREG", flags: 0, Penalty(200f, -1f));

        Assert.Contains("UREG", Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(orphan))).Message);
        Assert.Contains("UREG", Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(negative))).Message);
    }

    [Fact]
    public void A_user_attribute_map_whose_ranking_factors_disagree_with_the_head_is_refused()
    {
        // k = 5 as META says, but h = 3 where the ranking head has 2.
        var section = new byte[16 + 4 + 4 * (1 + 5 + 3)];
        BinaryPrimitives.WriteInt32LittleEndian(section.AsSpan(4), 5);
        BinaryPrimitives.WriteInt32LittleEndian(section.AsSpan(8), 3);
        var bytes = WithExtraSection(Serialize(WithRanking), "UATR", flags: 0, section);
        var error = Assert.Throws<ModelFormatException>(() => ModelSerializer.Read(new MemoryStream(bytes)));
        Assert.Contains("UATR", error.Message);
    }

    /// <summary>Drops the last section (table entry and data), as a writer from before it would have written the file, with a fresh checksum.</summary>
    private static byte[] WithoutLastSection(byte[] model)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(model.AsSpan(12));
        var tableEnd = 16 + 16 * count;
        var length = (int)BinaryPrimitives.ReadInt64LittleEndian(model.AsSpan(tableEnd - 16 + 8));
        var content = model[..(tableEnd - 16)].Concat(model[tableEnd..(model.Length - 32 - length)]).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(12), count - 1);
        return content.Concat(SHA256.HashData(content)).ToArray();
    }

    /// <summary>Appends a section (table entry and data) the way a later writer would, with a fresh checksum.</summary>
    private static byte[] WithExtraSection(byte[] model, string tag, uint flags, byte[] data)
    {
        var count = BinaryPrimitives.ReadInt32LittleEndian(model.AsSpan(12));
        var tableEnd = 16 + 16 * count;
        var entry = new byte[16];
        Encoding.ASCII.GetBytes(tag).CopyTo(entry, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), flags);
        BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(8), data.Length);
        var body = model.AsSpan(tableEnd, model.Length - 32 - tableEnd).ToArray();
        var content = model[..tableEnd].Concat(entry).Concat(body).Concat(data).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(12), count + 1);
        return content.Concat(SHA256.HashData(content)).ToArray();
    }

    private static byte[] Serialize(FactorModel model)
    {
        var stream = new MemoryStream();
        ModelSerializer.Write(model, stream);
        return stream.ToArray();
    }

    private static bool SameBits(float[] a, float[] b) =>
        MemoryMarshal.AsBytes(a.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(b.AsSpan()));

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }
}
