using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ItemDailyStatsConfiguration : IEntityTypeConfiguration<ItemDailyStatsEntity>
{
    public void Configure(EntityTypeBuilder<ItemDailyStatsEntity> builder)
    {
        builder.ToTable("item_daily_stats");
        // Day first: a popularity window reads one range of days.
        builder.HasKey(s => new { s.Day, s.ItemId });
    }
}
