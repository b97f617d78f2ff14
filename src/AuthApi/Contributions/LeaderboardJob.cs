using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Jobs;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Jobs;
using Npgsql;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// Materialises the leaderboards. Incremental: it processes only the reports stored since its last run (credits each by
/// <see cref="CreditRule"/> and adds it to its contributor's hourly totals), then rebuilds the three windows of the
/// experiments that changed from the hourly totals, which are small. One run at a time
/// (advisory lock); each chunk of reports is processed and its watermark advanced in one transaction, so a crash
/// mid-way loses nothing and counts nothing twice.
/// </summary>
public sealed class LeaderboardJob(
    ModerationDb db, CreditRule rule, IOutputCacheStore outputCache, TimeProvider clock, IOptions<JobOptions> options, ILogger<LeaderboardJob> logger) : ILeaderboardJob
{
    public const string RecurringJobId = "leaderboard";
    public const int ChunkSize = 100_000;

    /// <param name="experimentToRebuild">An experiment whose leaderboard is rebuilt even if its data did not change (a moderator's refresh).</param>
    public async Task<LeaderboardRefreshResponse> RunAsync(int? experimentToRebuild, CancellationToken cancelled)
    {
        // Each chunk commits with its watermark, so a run cut short by its deadline loses nothing: the next one goes on.
        using var deadline = JobDeadline.Start(options.Value, cancelled);
        var ct = deadline.Token;
        var connection = db.Connection();
        var store = SqlNames.Statements<ChunkStore>(db.Model);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var processedAfter = await store.WatermarkAsync(connection, ct);
            var high = await CommittedHighWaterAsync(connection, store, ct);
            var processed = 0;
            while (true)
            {
                var chunk = await ContributionChunk.ProcessAsync(connection, store, rule, high, ChunkSize, ct);
                processed += chunk;
                if (chunk < ChunkSize)
                {
                    break;
                }
            }
            var processing = watch.Elapsed;
            var builtAt = clock.GetUtcNow();
            var rebuilt = await SqlNames.Statements<LeaderboardBuilder>(db.Model)
                .RebuildAsync(connection, builtAt, experimentToRebuild, processedAfter, await store.WatermarkAsync(connection, ct), ct);
            await outputCache.EvictByTagAsync(LeaderboardEndpoints.CacheTag, ct);
            if (processed > 0)
            {
                logger.LogInformation("Leaderboard: {Reports} new reports processed in {Processing} ms, {Experiments} experiments rebuilt in {Rebuild} ms.",
                    processed, (int)processing.TotalMilliseconds, rebuilt, (int)(watch.Elapsed - processing).TotalMilliseconds);
            }
            return new LeaderboardRefreshResponse(processed, rebuilt, builtAt);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The highest report id below which every report is committed: taking the exclusive side of the ingestion barrier
    /// waits for the batches in flight, and any batch after it gets a higher id.
    /// </summary>
    private static async Task<long> CommittedHighWaterAsync(NpgsqlConnection connection, ChunkStore store, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(AdvisoryLocks.IngestBarrierExclusive, ct);
        var high = await store.LastReportIdAsync(connection, ct);
        await transaction.CommitAsync(ct);
        return high;
    }
}
