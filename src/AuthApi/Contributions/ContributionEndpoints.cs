using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
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
        group.MapPost("/", Report).RequireAuthorization(IdentitySetup.ContributionReporterPolicy).Validate<ContributionBatch>()
            .WithName("ReportContributions")
            .WithSummary("Report peers' per-step metrics; idempotent per peer key and step (service key with contributions:write, or a peer's own token).");
        group.MapGet("/", List).RequireAuthorization().WithName("ListContributions")
            .WithSummary("Stored reports with what the leaderboard made of them; filter by flag or user (moderators).");
        return app;
    }

    private static async Task<Results<Ok<ContributionBatchResponse>, ProblemHttpResult>> Report(
        string org, string model, ContributionBatch batch, ClaimsPrincipal principal, ModerationDb db, ExperimentCache experiments,
        PeerKeyOwners peerKeyOwners, TimeProvider clock, Telemetry.ModerationMetrics metrics, CancellationToken ct)
    {
        var experiment = await experiments.ByNameAsync(db, org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var reports = new NewReport[batch.Reports!.Count];
        for (var i = 0; i < reports.Length; i++)
        {
            var r = batch.Reports[i];
            PeerKeyFingerprints.TryGet(r.PeerPublicKey!, out var fingerprint);
            reports[i] = new NewReport(fingerprint, r.Step!.Value, r.Samples!.Value, r.SamplesPerSecond!.Value, r.MiniSteps ?? 0, r.Loss,
                DateTimeOffset.UnixEpoch.AddTicks((long)(r.Time!.Value * TimeSpan.TicksPerSecond)));
        }

        string reportedBy;
        if (principal.ServiceKeyId() is { } keyId)
        {
            if (!principal.IsServiceKeyFor(experiment.Id, ServiceKeyAuthenticator.ContributionsWrite))
            {
                return Problems.Forbidden($"This service key may not report contributions to {org}/{model}: it needs the scope contributions:write there.");
            }
            reportedBy = $"service-key:{keyId}";
        }
        else
        {
            var own = principal.PeerKeyIn(experiment.Id);
            if (own is null)
            {
                return Problems.Forbidden($"This peer token is for another experiment than {org}/{model}.");
            }
            var foreign = Array.FindIndex(reports, r => r.PeerKeyFingerprint != own);
            if (foreign >= 0)
            {
                return Problems.Forbidden($"reports[{foreign}] is for another peer key: a peer token may only report its own peer ({own}). Nothing was stored.");
            }
            reportedBy = $"peer:{principal.FindFirstValue(PeerTokenAuthenticator.UsernameClaim)}";
        }

        var owners = await peerKeyOwners.OwnersAsync(db, experiment.Id, reports.Select(r => r.PeerKeyFingerprint), ct);
        var attributed = Array.ConvertAll(reports, r => new AttributedReport(r, owners[r.PeerKeyFingerprint]));
        var stored = await ContributionStore.StoreAsync(db, experiment.Id, reportedBy, attributed, clock.GetUtcNow(), ct);
        metrics.ContributionsIngested(stored, reports.Length - stored);
        return TypedResults.Ok(new ContributionBatchResponse(reports.Length, stored, reports.Length - stored));
    }

    private static async Task<Results<Ok<Paged<ContributionReportResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct,
        string? flag = null, string? username = null, int page = 1, [FromQuery(Name = "page_size")] int pageSize = 50)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its contribution reports", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        if (flag is not (null or "" or ContributionFlags.Clipped or ContributionFlags.RolledBack or ContributionFlags.Unattributed))
        {
            return Problems.BadRequest($"Unknown flag '{flag}': use clipped, rolled_back or unattributed.");
        }
        var query = db.ContributionReports.AsNoTracking().Where(r => r.ExperimentId == found.Experiment!.Id);
        query = flag switch
        {
            ContributionFlags.Clipped => query.Where(r => r.Clipped),
            ContributionFlags.RolledBack => query.Where(r => r.RolledBack),
            ContributionFlags.Unattributed => query.Where(r => r.Username == null),
            _ => query,
        };
        if (!string.IsNullOrEmpty(username))
        {
            query = query.Where(r => r.Username == username);
        }
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, ModerationLimits.MaxPageSize);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var processedUpTo = await db.ContributionWatermarks.AsNoTracking().Select(w => w.LastReportId).SingleAsync(ct);
        return TypedResults.Ok(new Paged<ContributionReportResponse>(items.Select(r => ToDto(r, processedUpTo)).ToList(), page, pageSize, total));
    }

    /// <param name="processedUpTo">The leaderboard job's watermark: later reports have no credit yet.</param>
    private static ContributionReportResponse ToDto(Data.ContributionReport r, long processedUpTo)
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
        if (r.Username is null)
        {
            flags.Add(ContributionFlags.Unattributed);
        }
        return new ContributionReportResponse(r.Id, r.PeerKeyFingerprint, r.Username, r.Step, r.Samples, r.SamplesPerSecond, r.MiniSteps, r.Loss,
            r.Time, r.ReceivedAt, r.ReportedBy, r.Id <= processedUpTo ? r.CreditedSamples ?? r.Samples : null, flags);
    }
}
