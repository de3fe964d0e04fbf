namespace RecommenderService.Api.Tests.Support;

/// <summary>Test classes marked <c>[Collection(PostgresCollection.Name)]</c> share one PostgreSQL server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
