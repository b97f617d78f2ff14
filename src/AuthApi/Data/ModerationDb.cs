using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Moderation.AuthApi.Data;

public sealed class ModerationDb(DbContextOptions<ModerationDb> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Experiment> Experiments => Set<Experiment>();
    public DbSet<ExperimentMember> ExperimentMembers => Set<ExperimentMember>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ModerationDb).Assembly);
}
