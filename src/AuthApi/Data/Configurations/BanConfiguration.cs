using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class BanConfiguration : IEntityTypeConfiguration<Ban>
{
    public void Configure(EntityTypeBuilder<Ban> builder)
    {
        builder.Property(b => b.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.Property(b => b.Reason).HasMaxLength(1000);
        builder.Property(b => b.Evidence).HasMaxLength(4000);
        builder.Property(b => b.BannedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(b => b.LiftedBy).HasMaxLength(HfNames.MaxLength);
        builder.HasIndex(b => new { b.UserId, b.ExperimentId });
        builder.HasOne(b => b.User).WithMany().HasForeignKey(b => b.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(b => b.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
