using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Contributions;
using Moderation.Tests.Infrastructure;
using ContributionSetup = Moderation.Tests.Infrastructure.ContributionSetup;

namespace Moderation.Tests.Contributions;

/// <summary>
/// Reports have no foreign key to their experiment (PostgreSQL would check it once per report): the store checks the
/// experiment once per batch, and deleting an experiment deletes its reports itself.
/// </summary>
public sealed class ContributionStoreTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task DeletingAnExperimentDeletesItsReportsAndNoOtherExperiments()
    {
        var (doomed, url, aux) = await api.OpenExperimentWithAuxAsync();
        var (kept, keptUrl, keptAux) = await api.OpenExperimentWithAuxAsync();
        var peer = (await api.JoinAsync(url, "bob")).PeerKeyFingerprint;
        var reports = ContributionSetup.Steps(new Dictionary<string, double> { [peer] = 100 }, steps: 5);
        Assert.Equal(5, (await aux.SendAsync(url, reports)).Stored);
        Assert.Equal(5, (await keptAux.SendAsync(keptUrl, reports)).Stored);

        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync(url)).StatusCode);

        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        Assert.Equal(0, await db.ContributionReports.CountAsync(r => r.ExperimentId == doomed.Id));
        Assert.Equal(5, await db.ContributionReports.CountAsync(r => r.ExperimentId == kept.Id));
    }

    [Fact]
    public async Task ABatchForAnExperimentDeletedAfterItWasCheckedStoresNothingAndSaysSo()
    {
        var (experiment, url, _) = await api.OpenExperimentWithAuxAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync(url)).StatusCode);
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        // What a request that passed the experiment check a moment before the deletion does next.
        var columns = new ReportColumns([ContributionSetup.Report(new string('A', 43), 1, 6000, 100, DateTimeOffset.UtcNow.AddMinutes(-1))]);
        columns.CreditTo(new Dictionary<string, string?> { [new string('A', 43)] = null });

        var stored = await ContributionStore.StoreAsync(db, experiment.Id, "test", columns, DateTimeOffset.UtcNow, CancellationToken.None);

        Assert.Null(stored);
        Assert.Equal(0, await db.ContributionReports.CountAsync(r => r.ExperimentId == experiment.Id));
    }

    [Fact]
    public async Task AResentBatchIsCountedAsDuplicatesNotAsAMissingExperiment()
    {
        var (_, url, aux) = await api.OpenExperimentWithAuxAsync();
        var reports = ContributionSetup.Steps(new Dictionary<string, double> { [new string('B', 43)] = 100 }, steps: 3);
        Assert.Equal(3, (await aux.SendAsync(url, reports)).Stored);

        var again = await aux.SendAsync(url, reports);

        Assert.Equal(new ContributionBatchResponse(3, 0, 3), again);
    }
}
