using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;

namespace Moderation.AuthApi.Peers;

/// <summary>The peers (users × peer keys) that hold tokens for an experiment, and revoking one peer without banning its owner.</summary>
public static class PeerEndpoints
{
    public static IEndpointRouteBuilder MapPeers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/experiments/{org}/{model}/peers").WithTags("Peers");
        group.MapGet("/", List).ForExperimentRole(ExperimentRole.Moderator).WithName("ListPeers")
            .WithSummary("See the issued tokens by user and peer-key fingerprint (moderators).");
        group.MapGet("/mine", Mine).ForExperimentRole(ExperimentRole.None).WithName("ListMyPeers").WithSummary("Your own peers in this experiment (any signed-in user).");
        group.MapPost("/{fingerprint}/revoke", Revoke).ForExperimentRole(ExperimentRole.Moderator).Validate<RevokePeerRequest>().WithName("RevokePeer")
            .WithSummary("Revoke every token of one peer key; its owner is not banned (moderators).");
        return app;
    }

    private static async Task<Results<Ok<List<PeerResponse>>, ProblemHttpResult>> List(
        ExperimentContext context, ModerationDb db, UserDirectory users, CancellationToken ct, string? username = null)
    {
        string? userId = null;
        if (!string.IsNullOrEmpty(username))
        {
            if (await users.ResolveAsync(db, username, ct) is not { } user)
            {
                return Problems.UnknownUser(username);
            }
            userId = user.Id;
        }
        return TypedResults.Ok(await PeersAsync(db, context.Id, userId, ct));
    }

    private static async Task<Ok<List<PeerResponse>>> Mine(ExperimentContext context, Caller caller, ModerationDb db, CancellationToken ct) =>
        TypedResults.Ok(await PeersAsync(db, context.Id, caller.User.Id, ct));

    private static async Task<Results<Ok<RevokePeerResponse>, ProblemHttpResult>> Revoke(
        string fingerprint, RevokePeerRequest request, ExperimentContext context, Caller caller, ModerationDb db, UnitOfWork work, TimeProvider clock,
        CancellationToken ct)
    {
        var owner = await db.IssuedTokens.Where(t => t.ExperimentId == context.Id && t.PeerKeyFingerprint == fingerprint)
            .Select(t => new { t.UserId, t.Username }).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            return Problems.NotFound($"No token of {context.Name} was issued for the peer key {fingerprint}.");
        }
        var now = clock.GetUtcNow();
        var actor = caller.ActorName;
        var revoked = await work.RunAsync(async action =>
        {
            // Expired tokens too: the peer key itself is what is revoked, and it is never signed again here.
            if (!await db.RevokedPeerKeys.AnyAsync(r => r.ExperimentId == context.Id && r.PeerKeyFingerprint == fingerprint, ct))
            {
                db.RevokedPeerKeys.Add(new RevokedPeerKey
                {
                    ExperimentId = context.Id, PeerKeyFingerprint = fingerprint, UserId = owner.UserId, RevokedBy = actor, RevokedAt = now, Reason = request.Reason!,
                });
            }
            var count = await db.IssuedTokens.Where(t => t.ExperimentId == context.Id && t.PeerKeyFingerprint == fingerprint && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.RevokedBy, actor)
                    .SetProperty(t => t.RevocationReason, request.Reason), ct);
            action.RevokesOrRestores();
            action.Audit(new AuditRecord(context.Experiment, actor, "peer.revoked", fingerprint, request.Reason,
                After: new { username = owner.Username, user_id = owner.UserId, tokens_revoked = count }));
            return count;
        }, ct);
        return TypedResults.Ok(new RevokePeerResponse(fingerprint, revoked));
    }

    private static async Task<List<PeerResponse>> PeersAsync(ModerationDb db, int experimentId, string? userId, CancellationToken ct)
    {
        var peers = await db.IssuedTokens.AsNoTracking()
            .Where(t => t.ExperimentId == experimentId && (userId == null || t.UserId == userId))
            .GroupBy(t => new { t.UserId, t.PeerKeyFingerprint })
            .Select(g => new
            {
                g.Key.UserId, g.Key.PeerKeyFingerprint, Username = g.Max(t => t.Username), First = g.Min(t => t.IssuedAt), Last = g.Max(t => t.IssuedAt),
                Expires = g.Max(t => t.ExpiresAt), Count = g.Count(), Live = g.Count(t => t.RevokedAt == null), RevokedAt = g.Max(t => t.RevokedAt),
            })
            .OrderByDescending(p => p.Last).Take(1000).ToListAsync(ct);
        var ids = peers.Select(p => p.UserId).Distinct().ToList();
        var names = await db.HfUsers.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Username, ct);
        var revokedKeys = await db.RevokedPeerKeys.AsNoTracking().Where(r => r.ExperimentId == experimentId)
            .ToDictionaryAsync(r => r.PeerKeyFingerprint, ct);
        var claims = await db.PeerKeyConflicts.AsNoTracking().Where(c => c.ExperimentId == experimentId)
            .GroupBy(c => c.PeerKeyFingerprint).Select(g => new { Fingerprint = g.Key, Attempts = g.Sum(c => c.Attempts) })
            .ToDictionaryAsync(c => c.Fingerprint, c => c.Attempts, ct);
        // A burst of fresh keys: how many of the account's keys were first issued within an hour of this one.
        var firsts = peers.GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.First).ToList());
        return peers.Select(p =>
        {
            var withinHour = firsts[p.UserId].Count(f => (f - p.First).Duration() <= TimeSpan.FromHours(1));
            var key = revokedKeys.GetValueOrDefault(p.PeerKeyFingerprint);
            // A peer is revoked when its key was, or when none of its tokens is still unrevoked (a ban revokes them all).
            var revokedAt = key?.RevokedAt ?? (p.Live == 0 ? p.RevokedAt : null);
            return new PeerResponse(names.GetValueOrDefault(p.UserId) ?? p.Username ?? p.UserId, p.PeerKeyFingerprint, p.First, p.Last, p.Expires, p.Count,
                revokedAt, key?.RevokedBy, key?.Reason, claims.GetValueOrDefault(p.PeerKeyFingerprint), withinHour);
        }).ToList();
    }
}
