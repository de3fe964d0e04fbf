using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class RatingConfiguration : IEntityTypeConfiguration<RatingEntity>
{
    public void Configure(EntityTypeBuilder<RatingEntity> builder)
    {
        builder.ToTable("ratings");
        builder.HasKey(r => new { r.UserId, r.ItemId });
        builder.Property(r => r.Value).HasColumnType("real");
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(r => r.UpdatedAt).HasDefaultValueSql("now()");
        // "Newest ratings of a user" (paged listing, fold-in) reads this index in order.
        builder.HasIndex(r => new { r.UserId, r.RatedAt }).IsDescending(false, true);
        // Per-item aggregates (popularity, item stats) and deleting an item's ratings.
        builder.HasIndex(r => r.ItemId);
        builder.HasOne<UserEntity>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ItemEntity>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}
