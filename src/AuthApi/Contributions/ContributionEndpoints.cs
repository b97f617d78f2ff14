using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Peers;
using Moderation.AuthApi.ServiceKeys;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Contribution reports: auxiliary peers (service key, <c>contributions:write</c>) report any peer; a peer (its peer
/// token) reports only itself. A batch is validated whole and stored whole, or refused naming each bad report's index.
/// </summary>
public static class ContributionEndpoints
{
    public static IEndpointRouteBuilder MapContributions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/contributions").WithTags("Contributions");
        group.MapPost("/", Report).ForReporters(ServiceKeyAuthenticator.ContributionsWrite).Validate<ContributionBatch>()
            .WithName("ReportContributions")
            .WithSummary("Report peers' per-step metrics; idempotent per peer key and step (service key with contributions:write, or a peer's own token with a DPoP proof).");
        group.MapGet("/", List).ForExperimentRole(ExperimentRole.Moderator).WithName("ListContributions")
            .WithSummary("See the stored reports with what the leaderboard made of them; filter by flag or user (moderators).");
        return app;
    }

    private static async Task<Results<Ok<ContributionBatchResponse>, ProblemHttpResult>> Report(
        ContributionBatch batch, ExperimentContext context, Caller caller, ModerationDb db, PeerKeyOwners peerKeyOwners, TimeProvider clock,
        Telemetry.ModerationMetrics metrics, CancellationToken ct)
    {
        var columns = new ReportColumns(batch.Reports!);
        if (caller.Peer is { } peer)
        {
            var foreign = Array.FindIndex(columns.Fingerprints, f => f != peer.PeerKeyFingerprint);
            if (foreign >= 0)
            {
                return Problems.Forbidden(
                    $"reports[{foreign}] is for another peer key: a peer token may only report its own peer ({peer.PeerKeyFingerprint}). Nothing was stored.");
            }
        }
        var reportedBy = caller.Peer is { } p ? $"peer:{p.Username}" : $"service-key:{caller.ServiceKey!.Id}";
        columns.CreditTo(await peerKeyOwners.CreditedToAsync(db, context.Id, columns.Fingerprints, ct));
        if (await ContributionStore.StoreAsync(db, context.Id, reportedBy, columns, clock.GetUtcNow(), ct) is not { } stored)
        {
            return Problems.NotFound($"There is no experiment {context.Name} any more. Nothing was stored.");
        }
        metrics.ContributionsIngested(stored, columns.Count - stored);
        return TypedResults.Ok(new ContributionBatchResponse(columns.Count, stored, columns.Count - stored));
    }

    private static async Task<Results<Ok<Paged<ContributionReportResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, UserDirectory users, CancellationToken ct,
        string? flag = null, string? username = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        if (flag is not (null or "" or ContributionFlags.Clipped or ContributionFlags.RolledBack or ContributionFlags.Unattributed))
        {
            return Problems.BadRequest($"Unknown flag '{flag}': use clipped, rolled_back or unattributed.");
        }
        if (Paging.Check(page, pageSize, ModerationLimits.MaxPageSize) is { } invalid)
        {
            return invalid;
        }
        var query = db.ContributionReports.AsNoTracking().Where(r => r.ExperimentId == context.Id);
        query = flag switch
        {
            ContributionFlags.Clipped => query.Where(r => r.Clipped),
            ContributionFlags.RolledBack => query.Where(r => r.RolledBack),
            ContributionFlags.Unattributed => query.Where(r => r.UserId == null),
            _ => query,
        };
        if (!string.IsNullOrEmpty(username))
        {
            if (await users.ResolveAsync(db, username, ct) is not { } user)
            {
                return Problems.UnknownUser(username);
            }
            query = query.Where(r => r.UserId == user.Id);
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.Id).Skip(Paging.Offset(page, pageSize)).Take(pageSize)
            .Select(r => new { Report = r, Username = db.HfUsers.Where(u => u.Id == r.UserId).Select(u => u.Username).FirstOrDefault() })
            .ToListAsync(ct);
        var processedUpTo = await db.ContributionWatermarks.AsNoTracking().Select(w => w.LastReportId).SingleAsync(ct);
        return TypedResults.Ok(new Paged<ContributionReportResponse>(
            items.Select(x => ToDto(x.Report, x.Username, processedUpTo)).ToList(), page, pageSize, total));
    }

    /// <param name="processedUpTo">The leaderboard job's watermark: later reports have no credit yet.</param>
    private static ContributionReportResponse ToDto(Data.ContributionReport r, string? username, long processedUpTo)
    {
        var flags = new List<string>();
        if (r.Clipped)
        {
            flags.Add(ContributionFlags.Clipped);
        }
        if (r.RolledBack)
        {
            flags.Add(ContributionFlags.RolledBack);
        }
        if (r.UserId is null)
        {
            flags.Add(ContributionFlags.Unattributed);
        }
        return new ContributionReportResponse(r.Id, r.PeerKeyFingerprint, username, r.Step, r.Samples, r.SamplesPerSecond, r.MiniSteps, r.Loss,
            r.Time, r.ReceivedAt, r.ReportedBy, r.Id <= processedUpTo ? r.CreditedSamples ?? r.Samples : null, flags);
    }
}
