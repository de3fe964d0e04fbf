using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace RecommenderService.Api.Persistence;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database or host.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<RecommenderDbContext>
{
    public RecommenderDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<RecommenderDbContext>()
            .UseNpgsql("Host=localhost;Database=recommender_design")
            .Options;
        return new RecommenderDbContext(options);
    }
}
