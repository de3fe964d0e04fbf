using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class ErasedUserConfiguration : IEntityTypeConfiguration<ErasedUserEntity>
{
    public void Configure(EntityTypeBuilder<ErasedUserEntity> builder)
    {
        builder.ToTable("erased_users");
        builder.HasKey(e => e.ExternalIdHash);
        // Rows written before hashes were keyed (and by replicas not yet upgraded) are plain SHA-256.
        builder.Property(e => e.KeyId).HasMaxLength(16).HasDefaultValue("sha256");
        builder.Property(e => e.ErasedAt).HasDefaultValueSql("now()");
    }
}
