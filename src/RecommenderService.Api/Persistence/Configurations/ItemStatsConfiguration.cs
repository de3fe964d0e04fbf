using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ItemStatsConfiguration : IEntityTypeConfiguration<ItemStatsEntity>
{
    public void Configure(EntityTypeBuilder<ItemStatsEntity> builder)
    {
        builder.ToTable("item_stats");
        builder.HasKey(s => s.ItemId);
        builder.Property(s => s.ItemId).ValueGeneratedNever();
    }
}
