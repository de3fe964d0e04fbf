using System.Text;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence;

/// <summary>The service's tables. Bulk paths (imports, the training read) bypass EF and use COPY.</summary>
public sealed class RecommenderDbContext(DbContextOptions<RecommenderDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UserEntity> Users => Set<UserEntity>();
    public DbSet<UserProfileEntity> UserProfiles => Set<UserProfileEntity>();
    public DbSet<ItemEntity> Items => Set<ItemEntity>();
    public DbSet<RatingEntity> Ratings => Set<RatingEntity>();
    public DbSet<ModelVersionEntity> ModelVersions => Set<ModelVersionEntity>();
    public DbSet<ModelBlobEntity> ModelBlobs => Set<ModelBlobEntity>();
    public DbSet<ItemStatsEntity> ItemStats => Set<ItemStatsEntity>();
    public DbSet<ItemDailyStatsEntity> ItemDailyStats => Set<ItemDailyStatsEntity>();
    public DbSet<ItemStatChangeEntity> ItemStatChanges => Set<ItemStatChangeEntity>();
    public DbSet<ItemStatsSettingsEntity> ItemStatsSettings => Set<ItemStatsSettingsEntity>();
    public DbSet<ErasedUserEntity> ErasedUsers => Set<ErasedUserEntity>();
    public DbSet<ErasedItemEntity> ErasedItems => Set<ErasedItemEntity>();
    public DbSet<ServingReplicaEntity> ServingReplicas => Set<ServingReplicaEntity>();
    public DbSet<ImpressionEntity> Impressions => Set<ImpressionEntity>();
    public DbSet<ImpressionLedgerEntity> ImpressionLedgers => Set<ImpressionLedgerEntity>();
    public DbSet<OutcomeEventEntity> OutcomeEvents => Set<OutcomeEventEntity>();
    public DbSet<ExperimentEntity> Experiments => Set<ExperimentEntity>();

    /// <summary>
    /// ASP.NET Core's data-protection key ring (owned by the data-protection system, which reads and writes it):
    /// in the database so every replica shares it, and a dashboard form rendered by one replica can be posted to
    /// another (its antiforgery token is protected with these keys).
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RecommenderDbContext).Assembly);

        // snake_case columns, so hand-written SQL (COPY, aggregates) reads like PostgreSQL.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
            foreach (var key in entity.GetKeys())
                key.SetName(ToSnakeCase(key.GetName() ?? ""));
            foreach (var foreignKey in entity.GetForeignKeys())
                foreignKey.SetConstraintName(ToSnakeCase(foreignKey.GetConstraintName() ?? ""));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(ToSnakeCase(index.GetDatabaseName() ?? ""));
        }
    }

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && !char.IsUpper(name[i - 1])) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
