using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;
using Npgsql;

namespace Moderation.Tests.Experiments;

/// <summary>Experiment names are unique without regard to letter case in the database itself, not only in a check before the insert.</summary>
public sealed class ExperimentNameUniquenessTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task CaseTwinsCreatedAtTheSameMomentOnTwoReplicasAreOneExperiment()
    {
        await using var other = await AuthApiReplica.StartAsync(api);
        var outcomes = new List<(HttpStatusCode, HttpStatusCode)>();
        for (var round = 0; round < 6; round++)
        {
            var model = $"race-{round}-{Guid.NewGuid():N}"[..20];
            // Both replicas check the name before either inserts; only the database can tell them apart.
            var answers = await Task.WhenAll(
                api.ClientFor("alice").PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("demo-org", model)),
                other.ClientFor("alice").PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("DEMO-ORG", model.ToUpperInvariant())));
            outcomes.Add((answers[0].StatusCode, answers[1].StatusCode));
            var loser = Assert.Single(answers, a => a.StatusCode != HttpStatusCode.Created);
            Assert.Contains("already exists", (await loser.AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
        }
        Assert.All(outcomes, o => Assert.Contains(HttpStatusCode.Created, new[] { o.Item1, o.Item2 }));
    }

    [Fact]
    public async Task TheDatabaseRefusesACaseTwinWhateverWritesIt()
    {
        var experiment = await api.CreateExperimentAsync();
        var insert = () => api.QueryDbAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO experiments (organization_name, model_name, access_policy, token_lifetime_minutes, leaderboard_visible, created_by, created_at, updated_at)
            VALUES ('Demo-Org', {experiment.ModelName.ToUpperInvariant()}, 'OrgMembers', 60, true, 'test', now(), now())
            """));
        var refused = await Assert.ThrowsAsync<PostgresException>(insert);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal(AuthApi.Experiments.ExperimentNames.UniqueIndex, refused.ConstraintName);
    }

    [Fact]
    public async Task RenamingOntoACaseTwinIsRefusedOnBothApis()
    {
        var first = await api.CreateExperimentAsync();
        var second = await api.CreateExperimentAsync();
        var move = await api.ClientFor("alice").PutAsJsonAsync($"/api/experiments/{second.Id}/",
            new { experiment_update = new { model_name = first.ModelName.ToUpperInvariant() } });
        Assert.Contains("already exist", (await move.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
        Assert.Equal(second.ModelName, await api.QueryDbAsync(db => db.Experiments.Where(e => e.Id == second.Id).Select(e => e.ModelName).SingleAsync()));
    }

    [Fact]
    public async Task TheMigrationKeepsTheOldestOfExistingCaseTwinsAndRenamesTheOthers()
    {
        var connectionString = await api.Cluster.CreateDatabaseAsync("moderation_twins");
        try
        {
            await using var db = new ModerationDb(new DbContextOptionsBuilder<ModerationDb>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync("20261207144123_GrantedById");
            foreach (var (org, model, minutesAgo) in new[] { ("lab", "Run_1", 30), ("LAB", "run_1", 20), ("lab", "RUN_1", 10), ("lab", "other", 5) })
            {
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO experiments (organization_name, model_name, access_policy, token_lifetime_minutes, leaderboard_visible, created_by, created_at, updated_at)
                    VALUES ({org}, {model}, 'OrgMembers', 60, true, 'test', now() - make_interval(mins => {minutesAgo}), now())
                    """);
            }
            await migrator.MigrateAsync();

            var names = await db.Experiments.OrderBy(e => e.Id).Select(e => e.OrganizationName + "/" + e.ModelName).ToListAsync();
            Assert.Equal(["lab/Run_1", "LAB/run_1-dup2", "lab/RUN_1-dup3", "lab/other"], names);
            Assert.All(names, n => Assert.True(Contracts.Validation.HfNames.IsRepositoryId(n), n));
        }
        finally
        {
            await api.Cluster.DropDatabaseAsync(connectionString);
        }
    }
}
