using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersionEntity>
{
    public void Configure(EntityTypeBuilder<ModelVersionEntity> builder)
    {
        builder.ToTable("model_versions");
        builder.HasKey(v => v.Version);
        builder.Property(v => v.Version).UseIdentityAlwaysColumn();
        builder.Property(v => v.Status).HasMaxLength(16);
        // Defaults in the database too: the lifecycle writes rows with plain SQL, a column at a time.
        builder.Property(v => v.Hyperparameters).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(v => v.Metrics).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        builder.Property(v => v.UserCount).HasDefaultValue(0);
        builder.Property(v => v.ItemCount).HasDefaultValue(0);
        builder.Property(v => v.RatingCount).HasDefaultValue(0L);
        builder.Property(v => v.TrainingSeconds).HasDefaultValue(0.0);
        builder.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        // At most one active version, enforced by the database rather than by care.
        builder.HasIndex(v => v.Status).IsUnique().HasFilter("status = 'active'").HasDatabaseName("ix_model_versions_single_active");
    }
}
