using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class RatingConfiguration : IEntityTypeConfiguration<RatingEntity>
{
    public void Configure(EntityTypeBuilder<RatingEntity> builder)
    {
        builder.ToTable("ratings");
        // Also serves "all ratings of a user" (fold-in, the paged listing): user_id leads.
        builder.HasKey(r => new { r.UserId, r.ItemId });
        builder.Property(r => r.Value).HasColumnType("real");
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(r => r.UpdatedAt).HasDefaultValueSql("now()");
        // Per-item aggregates (item stats). The only index beside the key: every index is paid on every write.
        builder.HasIndex(r => r.ItemId);
        // No foreign keys to users and items on purpose: their checks were half the cost of a bulk write.
        // Integrity is kept by the writers instead (Ratings/RatingWriter): every rating write upserts and
        // locks its user row in the same transaction, a user's erasure locks that row first and then deletes
        // their ratings itself, and an item's erasure deletes the item's ratings while no write of them can slip
        // in (see Items/Erasure/ItemEraser and docs/architecture.md).
    }
}
