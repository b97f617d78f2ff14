using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;

namespace Moderation.AuthApi.Identity;

/// <summary>
/// Finishes the move from names to HF ids for facts stored before it: the migration gave names it could not match to an
/// id a placeholder account ("legacy:" + name); this asks the Hub for each such name, at start-up and then every few
/// minutes while any remain, and moves the facts to the real account. A name the Hub no longer knows keeps its placeholder.
/// </summary>
public sealed class LegacyAccounts(IServiceScopeFactory scopes, HfUsers hub, ILogger<LegacyAccounts> logger) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ResolveAllAsync(stoppingToken) == 0)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HfUnavailableException or Npgsql.NpgsqlException or DbUpdateException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not yet match accounts stored by name to HF ids; trying again in {Minutes} minutes.", RetryEvery.TotalMinutes);
            }
            await Task.Delay(RetryEvery, stoppingToken);
        }
    }

    /// <returns>How many placeholder accounts remain.</returns>
    public async Task<int> ResolveAllAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModerationDb>();
        var legacy = await db.HfUsers.AsNoTracking().Where(u => u.Id.StartsWith(HfUser.LegacyIdPrefix)).ToListAsync(ct);
        var remaining = 0;
        foreach (var placeholder in legacy)
        {
            if (await hub.FindAsync(placeholder.Username, ct) is { } account)
            {
                await MoveAsync(db, placeholder.Id, account, ct);
                logger.LogInformation("Facts stored for the name {Name} now belong to the HF account {Id}.", placeholder.Username, account.Id);
            }
            else
            {
                remaining++;
            }
        }
        return remaining;
    }

    private static async Task MoveAsync(ModerationDb db, string from, HfUserRef to, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO hf_users (id, username, seen_at) VALUES ({to.Id}, {to.Username}, now()) ON CONFLICT (id) DO NOTHING;
            DELETE FROM allowlist_entries a WHERE a.user_id = {from}
                AND EXISTS (SELECT 1 FROM allowlist_entries b WHERE b.experiment_id = a.experiment_id AND b.user_id = {to.Id});
            DELETE FROM experiment_members a WHERE a.user_id = {from}
                AND EXISTS (SELECT 1 FROM experiment_members b WHERE b.experiment_id = a.experiment_id AND b.user_id = {to.Id});
            UPDATE allowlist_entries SET user_id = {to.Id} WHERE user_id = {from};
            UPDATE experiment_members SET user_id = {to.Id} WHERE user_id = {from};
            UPDATE bans SET user_id = {to.Id} WHERE user_id = {from};
            UPDATE revoked_peer_keys SET user_id = {to.Id} WHERE user_id = {from};
            UPDATE contribution_reports SET user_id = {to.Id} WHERE user_id = {from};
            INSERT INTO contribution_hours AS h (experiment_id, contributor, hour, attributed, credited_samples, claimed_samples, rolled_back_samples,
                                                 reports, clipped_reports, last_seen)
            SELECT experiment_id, {to.Id}, hour, true, credited_samples, claimed_samples, rolled_back_samples, reports, clipped_reports, last_seen
            FROM contribution_hours WHERE contributor = {from} AND attributed
            ON CONFLICT (experiment_id, contributor, hour) DO UPDATE SET
                credited_samples = h.credited_samples + excluded.credited_samples, claimed_samples = h.claimed_samples + excluded.claimed_samples,
                rolled_back_samples = h.rolled_back_samples + excluded.rolled_back_samples, reports = h.reports + excluded.reports,
                clipped_reports = h.clipped_reports + excluded.clipped_reports, last_seen = greatest(h.last_seen, excluded.last_seen);
            DELETE FROM contribution_hours WHERE contributor = {from} AND attributed;
            DELETE FROM leaderboard_entries WHERE contributor = {from} AND attributed;
            UPDATE leaderboard_states SET built_at = NULL;
            DELETE FROM hf_users WHERE id = {from};
            """, ct);
        await transaction.CommitAsync(ct);
    }
}
