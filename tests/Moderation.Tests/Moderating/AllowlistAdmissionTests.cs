using System.Net;
using System.Text.Json;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Moderating;

/// <summary>
/// What adding people to the allowlist records and settles: "who added this person?" is answered by an audit entry under
/// their name (an import too), and their waiting join request leaves the queue.
/// </summary>
public sealed class AllowlistAdmissionTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task AnImportAuditsEachAddedUserUnderTheirNameAndClosesTheirPendingRequests()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var waiting = api.NewUser("volunteer");
        var other = api.NewUser("volunteer");
        await (await api.ClientFor(waiting.Name).PostWireAsync($"{url}/join-requests", new CreateJoinRequestRequest("I have a GPU")))
            .ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);

        var report = await (await api.ClientFor("alice").PostWireAsync($"{url}/allowlist/import",
                new AllowlistImportRequest($"{waiting.Name}\n{other.Name.ToUpperInvariant()}\nghost-user-404\nnot a name!", "lab volunteers")))
            .ReadAsync<AllowlistImportResponse>();
        Assert.Equal((2, 1, 1), (report.Added, report.UnknownUsers, report.Invalid));

        // Filtering the log by a person's name finds who added them, when and why.
        foreach (var user in new[] { waiting, other })
        {
            var entries = await (await api.ClientFor("alice").GetAsync($"{url}/audit?target={user.Name}")).ReadAsync<Paged<AuditEntryResponse>>();
            var added = Assert.Single(entries.Items, e => e.Action == "allowlist.added");
            Assert.Equal(("alice", "lab volunteers"), (added.Actor, added.Reason));
        }
        // The import itself is one more entry, with its counts as fields (no list of names).
        var imports = await (await api.ClientFor("alice").GetAsync($"{url}/audit?action=allowlist.imported")).ReadAsync<Paged<AuditEntryResponse>>();
        using var counts = JsonDocument.Parse(Assert.Single(imports.Items).After!);
        Assert.Equal(JsonValueKind.Object, counts.RootElement.ValueKind);
        Assert.Equal(2, counts.RootElement.GetProperty("added").GetInt32());
        Assert.Equal(1, counts.RootElement.GetProperty("unknown").GetInt32());

        // The one who had asked no longer waits in the queue: approved, by the importer, saying how.
        Assert.Empty(await (await api.ClientFor("alice").GetAsync($"{url}/join-requests")).ReadAsync<List<JoinRequestResponse>>());
        var request = Assert.Single(await (await api.ClientFor("alice").GetAsync($"{url}/join-requests?status=all")).ReadAsync<List<JoinRequestResponse>>());
        Assert.Equal(("approved", "alice", "added to the allowlist"), (request.Status, request.DecidedBy, request.DecisionReason));
        Assert.Equal("admitted", (await (await api.ClientFor(waiting.Name).GetAsync($"{url}/membership")).ReadAsync<MembershipResponse>()).Status);
    }

    [Fact]
    public async Task AddingOneUserClosesTheirPendingRequestAndLeavesOthersWaiting()
    {
        var experiment = await api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var (first, second) = (api.NewUser("volunteer"), api.NewUser("volunteer"));
        foreach (var user in new[] { first, second })
        {
            await (await api.ClientFor(user.Name).PostWireAsync($"{url}/join-requests", new CreateJoinRequestRequest())).ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);
        }

        await (await api.ClientFor("alice").PutAsync($"{url}/allowlist/{first.Name.ToUpperInvariant()}", null)).ReadAsync<AllowlistEntryResponse>(HttpStatusCode.Created);

        var pending = await (await api.ClientFor("alice").GetAsync($"{url}/join-requests")).ReadAsync<List<JoinRequestResponse>>();
        Assert.Equal(second.Name, Assert.Single(pending).Username);
        // Adding them again changes nothing and says so (200, not 201).
        Assert.Equal(HttpStatusCode.OK, (await api.ClientFor("alice").PutAsync($"{url}/allowlist/{first.Name}", null)).StatusCode);
    }
}
