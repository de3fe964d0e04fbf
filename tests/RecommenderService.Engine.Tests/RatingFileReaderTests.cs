namespace RecommenderService.Engine.Tests;

public sealed class RatingFileReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (string User, string Item, float Value, long Time)[] Rows(RatingSet set) =>
        Enumerable.Range(0, set.Count).Select(r => (set.Users[set.User[r]], set.Items[set.Item[r]], set.Value[r], set.Time[r])).ToArray();

    [Theory]
    [InlineData("1\t2\t3\n4\t5\t1\n", 2)]
    [InlineData("1\t2\t3\n4\t5\t1", 2)]
    [InlineData("user,item,rating\n1,2,3\n4,5,1\n7,8,2\n", 4)]
    public void The_arrays_are_sized_from_a_count_of_the_lines_and_the_stream_is_rewound(string text, int lines)
    {
        // Sized once to the line count, so reading a large file does not allocate a guess and then a trimmed copy.
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("skip\n" + text));
        stream.Position = 5;
        Assert.Equal(lines, RatingFileReader.EstimateCapacity(stream));
        Assert.Equal(5, stream.Position);
        var ratings = RatingFileReader.Read(stream, "memory");
        Assert.Equal(text.Contains("user") ? lines - 1 : lines, ratings.Count);
        Assert.Equal(ratings.Count, ratings.Time.Length);
    }

    [Fact]
    public void Movielens_u_data_tab_format_parses()
    {
        var set = RatingFileReader.Read(_dir.Write("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n"));
        Assert.Equal([("196", "242", 3f, 881250949L), ("186", "302", 3f, 891717742L), ("196", "377", 1f, 878887116L)], Rows(set));
        Assert.Equal(2, set.UserCount);
        Assert.Equal(3, set.ItemCount);
    }

    [Fact]
    public void Without_keeping_times_the_set_has_none_and_time_based_splits_say_so()
    {
        var path = _dir.Write("t.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n");

        var set = RatingFileReader.Read(path, new RatingFileReadOptions { KeepTimes = false });

        Assert.False(set.HasTimes);
        Assert.Empty(set.Time);
        Assert.Equal([3f, 3f, 1f], set.Value);
        var part = set.Subset([2, 0]);
        Assert.Equal([1f, 3f], part.Value);
        Assert.False(part.HasTimes);
        var error = Assert.Throws<InvalidOperationException>(() => TemporalSplit.Split(set, 0.5));
        Assert.Contains("timestamps", error.Message);
        Assert.True(RatingFileReader.Read(path).HasTimes);
        // A bad timestamp is still refused: not keeping times does not mean not checking them.
        Assert.Throws<RatingFileException>(() => RatingFileReader.Read(_dir.Write("bad.data", "1\t2\t3\tsoon\n"), new RatingFileReadOptions { KeepTimes = false }));
    }

    [Fact]
    public void Movielens_ratings_dat_double_colon_format_parses()
    {
        var set = RatingFileReader.Read(_dir.Write("ratings.dat", "1::1193::5::978300760\n1::661::3::978302109\n"));
        Assert.Equal([("1", "1193", 5f, 978300760L), ("1", "661", 3f, 978302109L)], Rows(set));
    }

    [Fact]
    public void Csv_with_header_crlf_half_stars_and_string_ids_parses()
    {
        var set = RatingFileReader.Read(_dir.Write("ratings.csv", "userId,movieId,rating,timestamp\r\nu-1,m-7,3.5,1112486027\r\nu-2,m-7,4.0,1112484676\r\n"));
        Assert.Equal([("u-1", "m-7", 3.5f, 1112486027L), ("u-2", "m-7", 4f, 1112484676L)], Rows(set));
    }

    [Fact]
    public void Plain_tab_format_without_timestamp_and_without_final_newline_parses()
    {
        var set = RatingFileReader.Read(_dir.Write("plain.tsv", "alice\tbook 1\t5\nbob\tbook 2\t2.5\n\n007\tbook 1\t1"));
        Assert.Equal([("alice", "book 1", 5f, 0L), ("bob", "book 2", 2.5f, 0L), ("007", "book 1", 1f, 0L)], Rows(set));
    }

    [Fact]
    public void Numeric_ids_with_leading_zeros_stay_distinct_ids()
    {
        var set = RatingFileReader.Read(_dir.Write("z.tsv", "7\t1\t1\n007\t1\t2\n7\t01\t3\n"));
        Assert.Equal(["7", "007"], set.Users.Ids);
        Assert.Equal(["1", "01"], set.Items.Ids);
        Assert.Equal([0, 1, 0], set.User);
    }

    [Theory]
    [InlineData("1\t2\t3\n4\t5\tfive\n", 2, "rating")]
    [InlineData("1\t2\t3\n\n4\t5\n", 3, "missing rating")]
    [InlineData("1::2::3::4\n1::2::x::4\n", 2, "rating")]
    [InlineData("userId,movieId,rating,timestamp\n1,2,3,4\n1,2,3,later\n", 3, "timestamp")]
    [InlineData("1\t2\t3\t4\t5\n", 1, "too many fields")]
    [InlineData("just-one-column\n", 1, "unrecognised")]
    public void A_bad_line_is_rejected_with_file_name_and_line_number(string content, int line, string reason)
    {
        var path = _dir.Write("bad.tsv", content);
        var e = Assert.Throws<RatingFileException>(() => RatingFileReader.Read(path));
        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"{path}:{line}: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_rating_file_error_naming_it()
    {
        var path = _dir.File("nope.tsv");
        var e = Assert.Throws<RatingFileException>(() => RatingFileReader.Read(path));
        Assert.Contains("nope.tsv", e.Message);
    }

    [Fact]
    public void Pairs_files_need_no_rating_and_ignore_extra_columns()
    {
        var set = RatingFileReader.Read(_dir.Write("pairs.tsv", "user\titem\n1\t10\n2\t20\tanything at all\n1\t30\t4\n"),
            new RatingFileReadOptions { RequireRating = false });
        Assert.Equal(3, set.Count);
        Assert.Equal(["1", "2"], set.Users.Ids);
        Assert.Equal(["10", "20", "30"], set.Items.Ids);
    }

    [Fact]
    public void Reading_with_existing_maps_keeps_their_indices_and_appends_new_ids()
    {
        var train = RatingFileReader.Read(_dir.Write("train.tsv", "a\tx\t1\nb\ty\t2\n"));
        var test = RatingFileReader.Read(_dir.Write("test.tsv", "c\ty\t3\nb\tz\t4\n"),
            new RatingFileReadOptions { Users = train.Users, Items = train.Items });
        Assert.Equal(["a", "b", "c"], test.Users.Ids);
        Assert.Equal(["x", "y", "z"], test.Items.Ids);
        Assert.Equal([2, 1], test.User);
        Assert.Equal([1, 2], test.Item);
    }

    [Fact]
    public void Lines_spanning_block_boundaries_and_many_ids_parse_like_the_writer_wrote_them()
    {
        var original = SyntheticRatings.Generate(new SyntheticRatingsOptions { Users = 3000, Items = 400, Ratings = 200_000, Seed = 3 });
        var path = _dir.File("big.tsv");
        RatingFileWriter.Write(original, path);
        var read = RatingFileReader.Read(path);
        Assert.Equal(original.Count, read.Count);
        for (var r = 0; r < read.Count; r += 997)
        {
            Assert.Equal(original.Users[original.User[r]], read.Users[read.User[r]]);
            Assert.Equal(original.Items[original.Item[r]], read.Items[read.Item[r]]);
            Assert.Equal(original.Value[r], read.Value[r]);
            Assert.Equal(original.Time[r], read.Time[r]);
        }
    }

    [Fact]
    public void Hashed_ids_survive_table_growth()
    {
        var lines = string.Concat(Enumerable.Range(0, 5000).Select(k => $"user-{k % 1700}\titem-{k}\t{1 + k % 5}\n"));
        var set = RatingFileReader.Read(_dir.Write("hash.tsv", lines));
        Assert.Equal(1700, set.UserCount);
        Assert.Equal(5000, set.ItemCount);
        for (var r = 0; r < set.Count; r++) Assert.Equal($"user-{r % 1700}", set.Users[set.User[r]]);
    }
}
