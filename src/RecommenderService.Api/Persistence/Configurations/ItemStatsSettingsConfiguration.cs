using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ItemStatsSettingsConfiguration : IEntityTypeConfiguration<ItemStatsSettingsEntity>
{
    public void Configure(EntityTypeBuilder<ItemStatsSettingsEntity> builder)
    {
        builder.ToTable("item_stats_settings", t => t.HasCheckConstraint("ck_item_stats_settings_one_row", "id = 1"));
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
    }
}
