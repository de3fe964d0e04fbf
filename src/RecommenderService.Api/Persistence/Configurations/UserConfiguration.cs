using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class UserConfiguration : IEntityTypeConfiguration<UserEntity>
{
    public void Configure(EntityTypeBuilder<UserEntity> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).UseIdentityAlwaysColumn();
        builder.Property(u => u.ExternalId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.HasIndex(u => u.ExternalId).IsUnique();
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
    }
}
