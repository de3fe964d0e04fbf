using System.Buffers;
using RecommenderService.Api.Ratings.Import;
using RecommenderService.Engine;

namespace RecommenderService.Api.Tests.Ratings.Import;

/// <summary>The CSV import format, parsed from bytes as they stream in (no database).</summary>
public sealed class CsvRatingParserTests
{
    private static readonly DateTime Now = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static (List<CsvRating> Ratings, List<CsvLineError> Errors) Parse(string csv, int chunk = int.MaxValue)
    {
        var parser = new CsvRatingParser(RatingScale.OneToFive, Now);
        var ratings = new List<CsvRating>();
        var errors = new List<CsvLineError>();
        var bytes = Encoding.UTF8.GetBytes(csv);
        // Feed the bytes in chunks, keeping the unconsumed tail like a PipeReader does.
        var pending = Array.Empty<byte>();
        for (var offset = 0; offset < bytes.Length || pending.Length > 0;)
        {
            var take = Math.Min(chunk, bytes.Length - offset);
            var data = pending.Concat(bytes.Skip(offset).Take(take)).ToArray();
            offset += take;
            var isFinal = offset >= bytes.Length;
            var buffer = new ReadOnlySequence<byte>(data);
            parser.Parse(ref buffer, isFinal, ratings, errors);
            pending = buffer.ToArray();
            if (isFinal) break;
        }
        return (ratings, errors);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Lines_split_anywhere_across_buffers_parse_the_same(int chunk)
    {
        var (ratings, errors) = Parse("userId,itemId,rating,timestamp\n196,242,3,881250949\r\n186,302,4.5,1998-04-04T19:22:22Z\n22,377,1", chunk);

        Assert.Empty(errors);
        Assert.Equal(3, ratings.Count);
        Assert.Equal(new CsvRating(2, "196", "242", 3f, DateTime.UnixEpoch.AddSeconds(881250949)), ratings[0]);
        Assert.Equal(new CsvRating(3, "186", "302", 4.5f, new DateTime(1998, 4, 4, 19, 22, 22, DateTimeKind.Utc)), ratings[1]);
        Assert.Equal(new CsvRating(4, "22", "377", 1f, null), ratings[2]);
    }

    [Fact]
    public void Quoted_fields_spaces_and_blank_lines_are_handled()
    {
        var (ratings, errors) = Parse("\n \"a,b\" , \"say\"\"hi\"\"\" , 2 \n\n\"u\",i,5,\n");

        Assert.Empty(errors);
        Assert.Equal(new CsvRating(2, "a,b", "say\"hi\"", 2f, null), ratings[0]);
        Assert.Equal(new CsvRating(4, "u", "i", 5f, null), ratings[1]);
    }

    [Fact]
    public void Only_the_first_line_can_be_a_header()
    {
        var (_, errors) = Parse("1,2,3\nuser,item,rating\n");

        Assert.Equal([2L], errors.Select(e => e.Line));
    }

    [Theory]
    [InlineData("1,2", "3 or 4 fields")]
    [InlineData("1,2,3,4,5", "3 or 4 fields")]
    [InlineData("1,2,3,", "")]
    [InlineData("1,2,6", "between 1 and 5")]
    [InlineData("1,2,x", "not a number")]
    [InlineData("1,2,Infinity", "finite")]
    [InlineData("1,,3", "itemId")]
    [InlineData("1,a b,3", "itemId")]
    [InlineData("1,2,3,2100-01-01T00:00:00Z", "future")]
    [InlineData("1,2,3,yesterday", "ISO-8601")]
    [InlineData("1,\"2,3", "not closed")]
    public void Bad_lines_are_reported_with_their_number(string line, string fragment)
    {
        var (ratings, errors) = Parse("1,1,1\n" + line + "\n");

        if (fragment.Length == 0)
        {
            Assert.Empty(errors); // a trailing comma is an empty timestamp: "now"
            return;
        }
        var error = Assert.Single(errors);
        Assert.Equal(2, error.Line);
        Assert.Contains(fragment, error.Message);
        Assert.Single(ratings);
    }
}
