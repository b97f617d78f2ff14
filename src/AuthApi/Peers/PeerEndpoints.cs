using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Revocations;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Peers;

/// <summary>The peers (users × peer keys) that hold tokens for an experiment, and revoking one peer without banning its owner.</summary>
public static class PeerEndpoints
{
    public static IEndpointRouteBuilder MapPeers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/peers").WithTags("Peers").RequireAuthorization();
        group.MapGet("/", List).WithName("ListPeers").WithSummary("Issued tokens by user and peer-key fingerprint (moderators).");
        group.MapGet("/mine", Mine).WithName("ListMyPeers").WithSummary("Your own peers in this experiment (any signed-in user).");
        group.MapPost("/{fingerprint}/revoke", Revoke).Validate<RevokePeerRequest>().WithName("RevokePeer")
            .WithSummary("Revoke every token of one peer key; its owner is not banned (moderators).");
        return app;
    }

    private static async Task<Results<Ok<List<PeerResponse>>, ProblemHttpResult>> List(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, ExperimentRoles roles, CancellationToken ct, string? username = null)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "see its peers", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        return TypedResults.Ok(await PeersAsync(db, found.Experiment!.Id, username, ct));
    }

    private static async Task<Results<Ok<List<PeerResponse>>, ProblemHttpResult>> Mine(
        string org, string model, ClaimsPrincipal principal, ModerationDb db, CancellationToken ct)
    {
        var experiment = await db.FindByNameAsync(org, model, ct);
        if (experiment is null)
        {
            return Problems.NotFound($"There is no experiment {org}/{model}.");
        }
        var username = Identity.HfIdentity.FromPrincipal(principal).Username;
        return TypedResults.Ok(await PeersAsync(db, experiment.Id, username, ct));
    }

    private static async Task<Results<Ok<RevokePeerResponse>, ProblemHttpResult>> Revoke(
        string org, string model, string fingerprint, RevokePeerRequest request, ClaimsPrincipal principal, ModerationDb db,
        ExperimentRoles roles, AuditLog audit, RevocationChanges changes, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.FindForRoleAsync(roles, org, model, principal, ExperimentRole.Moderator, "revoke its peers", ct);
        if (found.Refusal is { } refusal)
        {
            return refusal;
        }
        var experiment = found.Experiment!;
        var owner = await db.IssuedTokens.Where(t => t.ExperimentId == experiment.Id && t.PeerKeyFingerprint == fingerprint)
            .Select(t => t.Username).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            return Problems.NotFound($"No token of {org}/{model} was issued for the peer key {fingerprint}.");
        }
        var now = clock.GetUtcNow();
        var actor = found.User.Username;
        var revoked = await db.InTransactionAsync(async () =>
        {
            // Expired tokens too: the peer key itself is what is revoked, and it is never signed again here.
            if (!await db.RevokedPeerKeys.AnyAsync(r => r.ExperimentId == experiment.Id && r.PeerKeyFingerprint == fingerprint, ct))
            {
                db.RevokedPeerKeys.Add(new RevokedPeerKey
                {
                    ExperimentId = experiment.Id, PeerKeyFingerprint = fingerprint, Username = owner, RevokedBy = actor, RevokedAt = now,
                    Reason = request.Reason!,
                });
            }
            var count = await db.IssuedTokens.Where(t => t.ExperimentId == experiment.Id && t.PeerKeyFingerprint == fingerprint && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, actor)
                    .SetProperty(t => t.RevocationReason, request.Reason), ct);
            await db.BumpRevocationVersionAsync(ct);
            await audit.AppendAsync(db, new AuditRecord(experiment, actor, "peer.revoked", fingerprint, request.Reason,
                After: new { username = owner, tokens_revoked = count }), ct);
            await db.SaveChangesAsync(ct);
            return count;
        }, ct);
        changes.Committed();
        return TypedResults.Ok(new RevokePeerResponse(fingerprint, revoked));
    }

    private static async Task<List<PeerResponse>> PeersAsync(ModerationDb db, int experimentId, string? username, CancellationToken ct)
    {
        var peers = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && (username == null || t.Username == username))
            .GroupBy(t => new { t.Username, t.PeerKeyFingerprint })
            .Select(g => new
            {
                g.Key.Username, g.Key.PeerKeyFingerprint, First = g.Min(t => t.IssuedAt), Last = g.Max(t => t.IssuedAt),
                Expires = g.Max(t => t.ExpiresAt), Count = g.Count(), Live = g.Count(t => t.RevokedAt == null), RevokedAt = g.Max(t => t.RevokedAt),
            })
            .OrderByDescending(p => p.Last).Take(1000).ToListAsync(ct);
        var revokedKeys = await db.RevokedPeerKeys.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .ToDictionaryAsync(r => r.PeerKeyFingerprint, ct);
        return peers.Select(p =>
        {
            var key = revokedKeys.GetValueOrDefault(p.PeerKeyFingerprint);
            // A peer is revoked when its key was, or when none of its tokens is still unrevoked (a ban revokes them all).
            var revokedAt = key?.RevokedAt ?? (p.Live == 0 ? p.RevokedAt : null);
            return new PeerResponse(p.Username, p.PeerKeyFingerprint, p.First, p.Last, p.Expires, p.Count, revokedAt, key?.RevokedBy, key?.Reason);
        }).ToList();
    }
}
