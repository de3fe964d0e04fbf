using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ItemStatChangeConfiguration : IEntityTypeConfiguration<ItemStatChangeEntity>
{
    public void Configure(EntityTypeBuilder<ItemStatChangeEntity> builder)
    {
        builder.ToTable("item_stat_changes");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).UseIdentityAlwaysColumn();
        // No other index: the table is appended to by every rating write and emptied by every compaction.
    }
}
