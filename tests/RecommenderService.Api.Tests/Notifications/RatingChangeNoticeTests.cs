using RecommenderService.Api.Notifications;

namespace RecommenderService.Api.Tests.Notifications;

/// <summary>The rating-change notice format: every payload names exactly its users, and fits PostgreSQL's limit.</summary>
public sealed class RatingChangeNoticeTests
{
    [Fact]
    public void Ids_that_look_like_sentinels_or_json_come_back_exactly()
    {
        string[] ids = ["*", "[\"a\"]", "quote\"d", "back\\slash", "ünïcødé", "emoji-🎬", "", "<tag>&'"];

        var payloads = RatingChangeChannel.Encode(ids);

        var payload = Assert.Single(payloads);
        Assert.True(RatingChangeChannel.TryDecode(payload, out var decoded));
        Assert.Equal(ids, decoded);
    }

    [Fact]
    public void Many_users_are_split_into_notices_under_the_payload_limit_and_none_is_lost()
    {
        var ids = Enumerable.Range(0, 10_000).Select(k => k % 3 == 0 ? new string('é', 128) : $"user-{k}").ToArray();

        var payloads = RatingChangeChannel.Encode(ids);

        Assert.True(payloads.Length > 1);
        Assert.All(payloads, p => Assert.True(Encoding.UTF8.GetByteCount(p) <= RatingChangeChannel.MaxPayloadBytes, $"{Encoding.UTF8.GetByteCount(p)} bytes"));
        var decoded = payloads.SelectMany(p => RatingChangeChannel.TryDecode(p, out var users) ? users : throw new Xunit.Sdk.XunitException(p)).ToArray();
        Assert.Equal(ids, decoded);
    }

    [Fact]
    public void No_users_is_no_notice()
    {
        Assert.Empty(RatingChangeChannel.Encode([]));
    }

    [Theory]
    [InlineData("*")]
    [InlineData("42")]
    [InlineData("{\"a\":1}")]
    [InlineData("[1,2]")]
    [InlineData("[\"a\",null]")]
    public void A_payload_that_is_not_an_array_of_ids_does_not_decode(string payload)
    {
        Assert.False(RatingChangeChannel.TryDecode(payload, out var users));
        Assert.Empty(users);
    }
}
