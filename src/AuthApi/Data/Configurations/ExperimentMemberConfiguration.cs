using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data.Configurations;

public sealed class ExperimentMemberConfiguration : IEntityTypeConfiguration<ExperimentMember>
{
    public void Configure(EntityTypeBuilder<ExperimentMember> builder)
    {
        builder.HasKey(m => new { m.ExperimentId, m.UserId });
        builder.Property(m => m.UserId).HasMaxLength(HfUserConfiguration.IdLength);
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(m => m.GrantedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(m => m.GrantedById).HasMaxLength(HfUserConfiguration.IdLength);
        builder.Property(m => m.Role).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(m => m.UserId);
    }
}
