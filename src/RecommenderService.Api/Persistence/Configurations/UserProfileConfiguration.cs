using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using RecommenderService.Api.Persistence.Entities;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class UserProfileConfiguration : IEntityTypeConfiguration<UserProfileEntity>
{
    public void Configure(EntityTypeBuilder<UserProfileEntity> builder)
    {
        builder.ToTable("user_profiles");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).ValueGeneratedNever();
        builder.Property(p => p.Attributes).HasColumnType("jsonb");
        builder.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
        // Unlike ratings, a foreign key: profile writes are one row at a time, and erasing the user (deleting the
        // users row) must take the profile with it.
        builder.HasOne<UserEntity>().WithOne().HasForeignKey<UserProfileEntity>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
