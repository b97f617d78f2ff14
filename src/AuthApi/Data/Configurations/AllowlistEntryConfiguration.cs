using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class AllowlistEntryConfiguration : IEntityTypeConfiguration<AllowlistEntry>
{
    public void Configure(EntityTypeBuilder<AllowlistEntry> builder)
    {
        builder.HasKey(a => new { a.ExperimentId, a.UserId });
        builder.Property(a => a.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasOne(a => a.User).WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.AddedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(a => a.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
