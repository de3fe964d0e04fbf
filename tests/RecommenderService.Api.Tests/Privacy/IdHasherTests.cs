using RecommenderService.Api.Privacy;

namespace RecommenderService.Api.Tests.Privacy;

/// <summary>The reusable hasher gives exactly the keyed hashes the record of erasures is kept in.</summary>
public sealed class IdHasherTests
{
    [Fact]
    public void The_reusable_hasher_gives_the_keys_own_hash_for_every_id_in_turn()
    {
        var key = new IdHashKey("a secret for the test");
        using var hasher = new IdHasher(key);
        string[] ids = ["1", "user-ü-東京", new string('x', 128), new string('é', 400), ""];
        var hash = new byte[IdHasher.HashLength];

        foreach (var id in ids)
        {
            hasher.Hash(id, hash);

            Assert.Equal(key.Hash(id), hash);
        }
    }
}
