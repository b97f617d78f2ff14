using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Validation;

namespace Moderation.AuthApi.Allowlist;

/// <summary>
/// Bulk allowlist import: one username per line (blank lines and <c>#</c> comments skipped), each checked against the
/// Hub like a single add, with a report per line. The users found are added in one action, audited per user (so "who
/// added this person?" has an answer in the log, filtered by their name) and once for the import's counts.
/// </summary>
public sealed class AllowlistImport(
    ExperimentContext context, Caller caller, ModerationDb db, HfUsers hub, UserDirectory users, UnitOfWork work, TimeProvider clock)
{
    /// <summary>How many names are looked up on the Hub at once (the lookup gate bounds the instance as a whole).</summary>
    private const int Parallelism = 4;

    public async Task<AllowlistImportResponse> ImportAsync(AllowlistImportRequest request, CancellationToken ct)
    {
        var lines = request.Usernames!.Split('\n')
            .Select((raw, i) => (Number: i + 1, Name: raw.Trim()))
            .Where(l => l.Name.Length > 0 && !l.Name.StartsWith('#'))
            .ToList();
        var valid = lines.Where(l => HfNames.IsValid(l.Name)).Select(l => l.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, HfUserRef?>(StringComparer.OrdinalIgnoreCase);
        // Past the caller's lookup budget, names are reported "not checked" (nothing is added for them) rather than asked.
        var retryAfter = 0;
        await Parallel.ForEachAsync(valid, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (name, token) =>
        {
            if (Volatile.Read(ref retryAfter) > 0)
            {
                return;
            }
            try
            {
                found[name] = await hub.FindAsync(name, token, import: true);
            }
            catch (TooManyLookupsException e)
            {
                Interlocked.CompareExchange(ref retryAfter, e.RetryAfterSeconds, 0);
            }
        });

        var present = (await db.AllowlistEntries.Where(a => a.ExperimentId == context.Id).Select(a => a.UserId).ToListAsync(ct)).ToHashSet();
        var now = clock.GetUtcNow();
        var added = new List<HfUserRef>();
        var results = new List<ImportLineResult>();
        foreach (var (number, name) in lines)
        {
            var checkedName = found.TryGetValue(name, out var user);
            var outcome = !HfNames.IsValid(name) ? ImportOutcome.InvalidName
                : !checkedName ? ImportOutcome.NotChecked
                : user is null ? ImportOutcome.UnknownUser
                : !present.Add(user.Id) ? ImportOutcome.AlreadyPresent
                : ImportOutcome.Added;
            if (outcome == ImportOutcome.Added)
            {
                added.Add(user!);
            }
            results.Add(new ImportLineResult(number, name.Length > 100 ? name[..100] : name, outcome));
        }
        if (added.Count > 0)
        {
            await work.RunAsync(async action =>
            {
                await users.EnsureAsync(db, added, ct);
                foreach (var user in added)
                {
                    db.AllowlistEntries.Add(new AllowlistEntry
                    {
                        ExperimentId = context.Id, UserId = user.Id, AddedBy = caller.ActorName, AddedAt = now, Reason = request.Reason,
                    });
                }
                foreach (var user in added)
                {
                    action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "allowlist.added", user.Username, request.Reason,
                        After: new { user_id = user.Id, by = "import" }));
                }
                await AllowlistAdmissions.CloseRequestsAsync(db, context.Id, added.Select(u => u.Id).ToList(), caller.ActorName, now, ct);
                action.Audit(new AuditRecord(context.Experiment, caller.ActorName, "allowlist.imported", $"{added.Count} {(added.Count == 1 ? "user" : "users")}", request.Reason,
                    After: new { added = added.Count, already_present = Count(ImportOutcome.AlreadyPresent), unknown = Count(ImportOutcome.UnknownUser),
                        invalid = Count(ImportOutcome.InvalidName) }));
                return true;
            }, ct);
        }
        return new AllowlistImportResponse(added.Count, Count(ImportOutcome.AlreadyPresent), Count(ImportOutcome.InvalidName), results,
            Count(ImportOutcome.UnknownUser), Count(ImportOutcome.NotChecked), retryAfter > 0 ? retryAfter : null);

        int Count(ImportOutcome outcome) => results.Count(r => r.Outcome == outcome);
    }
}
