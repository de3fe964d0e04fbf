using System.Text.Json;

namespace RecommenderService.Engine.Tests;

public sealed class UserAttributeTokensTests
{
    private static ProfileTokens Tokens(string json)
    {
        using var document = JsonDocument.Parse(json);
        return UserAttributeTokens.From(document.RootElement);
    }

    [Fact]
    public void Ages_become_bands_and_postal_codes_their_first_three_prefixes()
    {
        var tokens = Tokens("""{"age": 24, "zip": "94-043", "gender": " F ", "occupation": "Engineer"}""");

        Assert.Equal(["age:18-24", "zip:9", "zip:94", "zip:940", "gender:f", "occupation:engineer"], tokens.Profile);
        Assert.Empty(tokens.Likes);
    }

    [Theory]
    [InlineData(17, "under-18")]
    [InlineData(18, "18-24")]
    [InlineData(34.5, "25-34")]
    [InlineData(35, "35-44")]
    [InlineData(54, "45-54")]
    [InlineData(80, "55+")]
    public void Age_bands_follow_the_usual_survey_brackets(double age, string band) => Assert.Equal(band, UserAttributeTokens.AgeBand(age));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "1-1")]
    [InlineData(3, "2-4")]
    [InlineData(7, "5-9")]
    [InlineData(31000, "20000-49999")]
    [InlineData(-150, "-100-199")]
    [InlineData(0.3, "0.2-0.5")]
    public void Other_numbers_become_one_two_five_magnitude_bands(double value, string band) =>
        Assert.Equal(band, UserAttributeTokens.MagnitudeBand(value));

    [Fact]
    public void Arrays_booleans_and_likes_are_read_and_nested_values_ignored()
    {
        var tokens = Tokens("""
            {"languages": ["en", "FR", "en"], "student": true, "children": 2, "address": {"city": "x"}, "note": null,
             "likes": {"genres": ["Sci-Fi", "Drama"], "year": 1995}}
            """);

        Assert.Equal(["languages:en", "languages:fr", "student:true", "children:2-4"], tokens.Profile);
        // Likes are item attribute tokens, as items' attributes give them: case kept, numbers as written.
        Assert.Equal(["genres:Sci-Fi", "genres:Drama", "year:1995"], tokens.Likes);
    }

    [Fact]
    public void Anything_but_an_object_gives_no_tokens()
    {
        Assert.True(Tokens("[1, 2]").IsEmpty);
        Assert.True(UserAttributeTokens.FromJson("not json").IsEmpty);
    }

    [Fact]
    public void User_files_read_movielens_user_lines_and_json_lines()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("users", "1|24|M|technician|85711\n2\t{\"age\": 61, \"likes\": {\"genres\": [\"Drama\"]}}\n");

        var read = UserAttributeFile.Read(path);

        Assert.Equal(["age:18-24", "gender:m", "occupation:technician", "zip:8", "zip:85", "zip:857"], read["1"].Profile);
        Assert.Equal(["age:55+"], read["2"].Profile);
        Assert.Equal(["genres:Drama"], read["2"].Likes);
        Assert.Throws<RatingFileException>(() => UserAttributeFile.Read(dir.Write("bad", "1|x|M\n")));
    }
}
