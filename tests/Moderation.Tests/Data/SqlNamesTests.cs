using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;

namespace Moderation.Tests.Data;

/// <summary>
/// The names hand-written SQL takes from the EF model. The application's own model is built the way migrations build
/// it (no database needed); whether the statements run against the migrated schema is the contribution, leaderboard,
/// rollback and join tests' part.
/// </summary>
public sealed class SqlNamesTests
{
    private static readonly IModel Model = new DesignTimeDbFactory().CreateDbContext([]).Model;
    private static readonly SqlNames Names = new(Model);

    [Fact]
    public void TablesAreTheModelsTableNamesInDoubleQuotes()
    {
        var reports = Names.Table<ContributionReport>();
        Assert.Equal("\"contribution_reports\"", reports.Name);
        Assert.Equal(reports.Name, $"{reports}");
        Assert.Equal("\"leaderboard_entries\"", Names.Table<LeaderboardEntry>().Name);
    }

    [Fact]
    public void ColumnsAreTheColumnsTheModelMapsThePropertiesTo()
    {
        var reports = Names.Table<ContributionReport>();
        Assert.Equal("\"samples_per_second\"", reports[r => r.SamplesPerSecond]);
        // A keyword is quoted, so it needs no care where it is written.
        Assert.Equal("\"time\"", reports[r => r.Time]);
        Assert.Equal("\"credited_samples\"", reports[r => r.CreditedSamples]);
        Assert.Equal("\"id\", \"user_id\", \"loss\"", reports.Columns(r => r.Id, r => r.UserId, r => r.Loss));
        Assert.Equal("\"position\"", Names.Table<LeaderboardEntry>()[e => e.Position]);
    }

    [Fact]
    public void AColumnRenamedInTheConfigurationAndASchemaAreTakenFromTheModel()
    {
        using var db = new RenamedDb();
        var table = new SqlNames(db.Model).Table<Renamed>();

        Assert.Equal("\"moderation\".\"old \"\"shelf\"\"\"", table.Name);
        Assert.Equal("\"tally\"", table[r => r.Count]);
        Assert.Equal("\"id\", \"tally\"", table.Columns(r => r.Id, r => r.Count));
    }

    [Fact]
    public void IdentifiersAreQuotedWithInnerQuotesDoubled()
    {
        Assert.Equal("\"hf_users\"", SqlNames.Quote("hf_users"));
        Assert.Equal("\"a\"\"; DROP TABLE bans; --\"", SqlNames.Quote("a\"; DROP TABLE bans; --"));
    }

    [Fact]
    public void APropertyWithoutAColumnIsRefusedNamingIt()
    {
        var bans = Names.Table<Ban>();
        var navigation = Assert.Throws<InvalidOperationException>(() => bans[b => b.User]);
        Assert.Equal("Ban.User is not mapped by the model: it has no column.", navigation.Message);

        using var db = new RenamedDb();
        var ignored = Assert.Throws<InvalidOperationException>(() => new SqlNames(db.Model).Table<Renamed>()[r => r.Note]);
        Assert.Equal("Renamed.Note is not mapped by the model: it has no column.", ignored.Message);
    }

    [Fact]
    public void AnExpressionThatIsNotAPropertyOrATypeThatIsNoEntityIsRefused()
    {
        var reports = Names.Table<ContributionReport>();
        var computed = Assert.Throws<ArgumentException>(() => reports[r => r.Samples + 1]);
        Assert.StartsWith("'r => Convert((r.Samples + 1), Object)' does not name a property of ContributionReport", computed.Message);
        var other = Assert.Throws<ArgumentException>(() => reports[r => r.UserId!.Length]);
        Assert.Contains("does not name a property of ContributionReport", other.Message);

        var notEntity = Assert.Throws<InvalidOperationException>(() => Names.Table<ChunkRow>());
        Assert.Equal("ChunkRow is not an entity type of the model: it has no table.", notEntity.Message);
    }

    [Fact]
    public void EveryHotPathsStatementsAreBuiltFromTheApplicationsModelOnce()
    {
        Assert.Same(SqlNames.Statements<ChunkStore>(Model), SqlNames.Statements<ChunkStore>(Model));
        Assert.Same(SqlNames.Statements<LeaderboardBuilder>(Model), SqlNames.Statements<LeaderboardBuilder>(Model));
        Assert.Same(SqlNames.Statements<ContributionStore>(Model), SqlNames.Statements<ContributionStore>(Model));
        Assert.Same(SqlNames.Statements<RolledBackContributions>(Model), SqlNames.Statements<RolledBackContributions>(Model));
    }

    public sealed class Renamed
    {
        public int Id { get; set; }
        public int Count { get; set; }
        public string? Note { get; set; }
    }

    private sealed class RenamedDb : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) =>
            options.UseNpgsql("Host=localhost;Database=unused").UseSnakeCaseNamingConvention();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<Renamed>().ToTable("old \"shelf\"", "moderation");
            model.Entity<Renamed>().Property(r => r.Count).HasColumnName("tally");
            model.Entity<Renamed>().Ignore(r => r.Note);
        }
    }
}
