using RecommenderService.Api.Persistence;

namespace RecommenderService.Api.Tests.Support;

public sealed class AutoPrepareTests
{
    [Fact]
    public void A_connection_string_without_the_setting_gets_automatic_preparation()
    {
        var applied = new NpgsqlConnectionStringBuilder(AutoPrepare.Apply("Host=127.0.0.1;Port=5432;Database=recommender;Username=postgres"));

        Assert.Equal(AutoPrepare.DefaultStatements, applied.MaxAutoPrepare);
        Assert.Equal("recommender", applied.Database);
        Assert.Equal(5432, applied.Port);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=5", 5)]
    [InlineData("Host=db;max auto prepare=100", 100)]
    public void An_operator_setting_is_kept_as_given(string connectionString, int expected)
    {
        var applied = AutoPrepare.Apply(connectionString);

        Assert.Equal(connectionString, applied);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(applied).MaxAutoPrepare);
    }
}
