using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ItemConfiguration : IEntityTypeConfiguration<ItemEntity>
{
    public void Configure(EntityTypeBuilder<ItemEntity> builder)
    {
        builder.ToTable("items");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Id).UseIdentityAlwaysColumn();
        builder.Property(i => i.ExternalId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.HasIndex(i => i.ExternalId).IsUnique();
        builder.Property(i => i.Title).HasMaxLength(1000);
        builder.Property(i => i.Attributes).HasColumnType("jsonb");
        builder.Property(i => i.Available).HasDefaultValue(true).HasSentinel(true);
        // Items that are not plainly available, the only ones every replica loads at start and the retired listing pages through.
        builder.HasIndex(i => i.Id).HasDatabaseName("ix_items_availability_rules")
            .HasFilter("NOT available OR available_from IS NOT NULL OR available_until IS NOT NULL");
        builder.Property(i => i.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(i => i.UpdatedAt).HasDefaultValueSql("now()");
    }
}
