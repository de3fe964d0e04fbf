using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ErasedItemConfiguration : IEntityTypeConfiguration<ErasedItemEntity>
{
    public void Configure(EntityTypeBuilder<ErasedItemEntity> builder)
    {
        builder.ToTable("erased_items");
        builder.HasKey(e => e.ExternalId);
        builder.Property(e => e.ExternalId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.Property(e => e.ErasedAt).HasDefaultValueSql("now()");
    }
}
