using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

using RecommenderService.Api.Persistence.Entities;
using RecommenderService.Api.Validation;

namespace RecommenderService.Api.Persistence.Configurations;

public sealed class OutcomeEventConfiguration : IEntityTypeConfiguration<OutcomeEventEntity>
{
    public void Configure(EntityTypeBuilder<OutcomeEventEntity> builder)
    {
        builder.ToTable("outcome_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.UserId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.Property(e => e.ItemId).HasMaxLength(ExternalIdLimits.MaxLength);
        builder.Property(e => e.Type).HasMaxLength(32);
        builder.Property(e => e.OccurredAt).HasDefaultValueSql("now()");
        // Outcomes are joined to their lists by id; time serves retention and a training's read; user serves erasure.
        builder.HasIndex(e => e.RecommendationId).HasFilter("recommendation_id IS NOT NULL");
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => e.UserId);
    }
}
