using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ModelBlobConfiguration : IEntityTypeConfiguration<ModelBlobEntity>
{
    public void Configure(EntityTypeBuilder<ModelBlobEntity> builder)
    {
        builder.ToTable("model_blobs");
        builder.HasKey(b => b.Version);
        builder.Property(b => b.Version).ValueGeneratedNever();
        builder.Property(b => b.CreatedAt).HasDefaultValueSql("now()");
        builder.HasOne<ModelVersionEntity>().WithOne().HasForeignKey<ModelBlobEntity>(b => b.Version).OnDelete(DeleteBehavior.Cascade);
    }
}
