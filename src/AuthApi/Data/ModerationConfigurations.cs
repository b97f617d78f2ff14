using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Experiment).HasMaxLength(2 * HfNames.MaxLength + 1);
        builder.Property(a => a.Actor).HasMaxLength(HfNames.MaxLength + 16);
        builder.Property(a => a.Action).HasMaxLength(64);
        builder.Property(a => a.Target).HasMaxLength(256);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.Property(a => a.PreviousHash).HasMaxLength(64);
        builder.Property(a => a.Hash).HasMaxLength(64);
        builder.HasIndex(a => new { a.ExperimentId, a.Id });
    }
}

public sealed class JoinRequestConfiguration : IEntityTypeConfiguration<JoinRequest>
{
    public void Configure(EntityTypeBuilder<JoinRequest> builder)
    {
        builder.Property(r => r.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.UserId).HasMaxLength(64);
        builder.Property(r => r.Fullname).HasMaxLength(256);
        builder.Property(r => r.AvatarUrl).HasMaxLength(1024);
        builder.Property(r => r.Orgs).HasMaxLength(4000);
        builder.Property(r => r.Message).HasMaxLength(1000);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.DecidedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.DecisionReason).HasMaxLength(1000);
        builder.HasIndex(r => new { r.ExperimentId, r.Username }).IsUnique().HasFilter("status = 'Pending'")
            .HasDatabaseName("ix_join_requests_one_pending");
        builder.HasIndex(r => new { r.ExperimentId, r.Status, r.CreatedAt });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RevocationStateConfiguration : IEntityTypeConfiguration<RevocationState>
{
    public void Configure(EntityTypeBuilder<RevocationState> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasData(new RevocationState { Id = 1, Version = 0 });
    }
}

public sealed class RevokedPeerKeyConfiguration : IEntityTypeConfiguration<RevokedPeerKey>
{
    public void Configure(EntityTypeBuilder<RevokedPeerKey> builder)
    {
        builder.HasKey(r => new { r.ExperimentId, r.PeerKeyFingerprint });
        builder.Property(r => r.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(r => r.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.RevokedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ServiceKeyConfiguration : IEntityTypeConfiguration<ServiceKey>
{
    public void Configure(EntityTypeBuilder<ServiceKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(100);
        builder.Property(k => k.Prefix).HasMaxLength(16);
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.Property(k => k.Scopes).HasMaxLength(200);
        builder.Property(k => k.CreatedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(k => k.RevokedBy).HasMaxLength(HfNames.MaxLength);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(k => k.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CheckpointConfiguration : IEntityTypeConfiguration<Checkpoint>
{
    public void Configure(EntityTypeBuilder<Checkpoint> builder)
    {
        builder.Property(c => c.Repository).HasMaxLength(2 * HfNames.MaxLength + 1);
        builder.Property(c => c.Revision).HasMaxLength(40);
        builder.Property(c => c.Url).HasMaxLength(2048);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.QuarantineReason).HasMaxLength(1000);
        builder.Property(c => c.QuarantinedBy).HasMaxLength(HfNames.MaxLength);
        builder.HasIndex(c => new { c.ExperimentId, c.Revision }).IsUnique();
        builder.HasIndex(c => new { c.ExperimentId, c.Step });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(c => c.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RollbackConfiguration : IEntityTypeConfiguration<Rollback>
{
    public void Configure(EntityTypeBuilder<Rollback> builder)
    {
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.RequestedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.LastError).HasMaxLength(2000);
        builder.HasIndex(r => new { r.ExperimentId, r.Id });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Checkpoint>().WithMany().HasForeignKey(r => r.CheckpointId).OnDelete(DeleteBehavior.Restrict);
    }
}
