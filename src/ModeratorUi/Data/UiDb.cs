using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Moderation.ServiceDefaults;

namespace Moderation.ModeratorUi.Data;

/// <summary>
/// ModeratorUi's own tables, in schema <c>moderator_ui</c> of the service's database (next to AuthApi's tables and
/// Hangfire's schema): the Data Protection key ring every replica shares, so a session cookie made by one replica is
/// read by all, the sessions themselves (<see cref="UiSession"/>), so signing out on one replica ends the session on all,
/// and the reports of allowlist imports (<see cref="ImportReport"/>).
/// </summary>
public sealed class UiDb(DbContextOptions<UiDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string Schema = "moderator_ui";

    /// <summary>Held while an instance migrates this schema (AuthApi's lock is another key).</summary>
    public const long MigrationLock = 0x4D6F_6455_4944_62;

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<UiSession> Sessions => Set<UiSession>();

    public DbSet<ImportReport> ImportReports => Set<ImportReport>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<UiSession>(session =>
        {
            session.ToTable("sessions");
            session.Property(s => s.Id).HasMaxLength(64);
            session.Property(s => s.UserId).HasMaxLength(128);
            session.HasIndex(s => s.ExpiresAt);
            session.HasIndex(s => s.UserId);
        });
        modelBuilder.Entity<ImportReport>(report =>
        {
            report.Property(r => r.Report).HasColumnType("jsonb");
            report.HasIndex(r => r.CreatedAt);
        });
    }

    public static void Configure(DbContextOptionsBuilder options, string connectionString) => options
        .UseNpgsql(connectionString, o => o.MigrationsHistoryTable("__ef_migrations_history", Schema))
        .UseSnakeCaseNamingConvention();
}
