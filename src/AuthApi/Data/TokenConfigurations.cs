using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Data;

public sealed class ExperimentKeyConfiguration : IEntityTypeConfiguration<ExperimentKey>
{
    public void Configure(EntityTypeBuilder<ExperimentKey> builder)
    {
        builder.Property(k => k.Kid).HasMaxLength(64);
        builder.HasIndex(k => k.Kid).IsUnique();
        builder.Property(k => k.PublicKey).HasMaxLength(OpenSshRsaKey.MaxTextLength);
        // At most one active (unretired) key per experiment, whatever replicas race to rotate.
        builder.HasIndex(k => k.ExperimentId).IsUnique().HasFilter("retired_at IS NULL").HasDatabaseName("ix_experiment_keys_active");
        builder.HasOne<Experiment>().WithMany(e => e.Keys).HasForeignKey(k => k.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class IssuedTokenConfiguration : IEntityTypeConfiguration<IssuedToken>
{
    public void Configure(EntityTypeBuilder<IssuedToken> builder)
    {
        builder.Property(t => t.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(t => t.UserId).HasMaxLength(64);
        builder.Property(t => t.PeerKeyFingerprint).HasMaxLength(64);
        builder.Property(t => t.PeerPublicKey).HasMaxLength(OpenSshRsaKey.MaxTextLength);
        builder.Property(t => t.Kid).HasMaxLength(64);
        builder.Property(t => t.RevokedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(t => t.RevocationReason).HasMaxLength(1000);
        builder.HasIndex(t => new { t.ExperimentId, t.Username, t.PeerKeyFingerprint, t.ExpiresAt });
        builder.HasIndex(t => new { t.ExperimentId, t.ExpiresAt });
        // Attribution of contribution reports: who was the key's token issued to?
        builder.HasIndex(t => new { t.ExperimentId, t.PeerKeyFingerprint, t.IssuedAt });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(t => t.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class AllowlistEntryConfiguration : IEntityTypeConfiguration<AllowlistEntry>
{
    public void Configure(EntityTypeBuilder<AllowlistEntry> builder)
    {
        builder.HasKey(a => new { a.ExperimentId, a.Username });
        builder.Property(a => a.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(a => a.AddedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.HasOne<Experiment>().WithMany().HasForeignKey(a => a.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class BanConfiguration : IEntityTypeConfiguration<Ban>
{
    public void Configure(EntityTypeBuilder<Ban> builder)
    {
        builder.Property(b => b.Username).HasMaxLength(HfNames.MaxLength);
        builder.Property(b => b.Reason).HasMaxLength(1000);
        builder.Property(b => b.Evidence).HasMaxLength(4000);
        builder.Property(b => b.BannedBy).HasMaxLength(HfNames.MaxLength);
        builder.Property(b => b.LiftedBy).HasMaxLength(HfNames.MaxLength);
        builder.HasIndex(b => new { b.Username, b.ExperimentId });
        builder.HasOne<Experiment>().WithMany().HasForeignKey(b => b.ExperimentId).OnDelete(DeleteBehavior.Cascade);
    }
}
