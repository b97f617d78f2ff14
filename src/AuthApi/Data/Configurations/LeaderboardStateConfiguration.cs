using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class LeaderboardStateConfiguration : IEntityTypeConfiguration<LeaderboardState>
{
    public void Configure(EntityTypeBuilder<LeaderboardState> builder)
    {
        builder.HasKey(s => s.ExperimentId);
        builder.Property(s => s.ExperimentId).ValueGeneratedNever();
        builder.HasOne<Experiment>().WithMany().HasForeignKey(s => s.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
