using System.Collections.Concurrent;

namespace Moderation.HubEmulator;

public enum HubMode
{
    /// <summary>Answers as huggingface.co would.</summary>
    Normal,

    /// <summary>Every API call answers 503.</summary>
    Unavailable,

    /// <summary>Every API call hangs until the client gives up.</summary>
    Hang,
}

/// <summary>The emulator's mutable state: users, issued OAuth codes and tokens, the outage switch and call counters.</summary>
public sealed class HubState(IReadOnlyList<HubUser> users)
{
    private readonly Lock _usersLock = new();
    private List<HubUser> _users = [.. users];
    private int _whoAmICalls;
    private int _apiCalls;
    private int _branchCreations;
    private int _failBranchCalls;

    public IReadOnlyList<HubUser> Users => _users;
    public HubMode Mode { get; set; } = HubMode.Normal;
    public ConcurrentDictionary<string, PendingCode> Codes { get; } = new();
    public ConcurrentDictionary<string, OAuthGrant> AccessTokens { get; } = new();

    public int WhoAmICalls => Volatile.Read(ref _whoAmICalls);

    private int _userLookups;

    /// <summary>Calls to <c>/api/users/{name}/overview</c> (name lookups).</summary>
    public int UserLookups => Volatile.Read(ref _userLookups);

    /// <summary>Counts a name lookup; always true (so it can lead a condition).</summary>
    public bool CountUserLookup()
    {
        Interlocked.Increment(ref _userLookups);
        return true;
    }

    /// <summary>Name lookups answer 500 (the rest of the Hub works): what a failing endpoint of the real Hub looks like.</summary>
    public bool FailUserLookups { get; set; }

    private int _branchDeletions;

    /// <summary>How many branches were deleted through the API (a rollback should move branches, never delete them).</summary>
    public int BranchDeletions => Volatile.Read(ref _branchDeletions);

    public void CountBranchDeletion() => Interlocked.Increment(ref _branchDeletions);

    public void CountWhoAmI() => Interlocked.Increment(ref _whoAmICalls);

    /// <summary>As on the Hub, names match without regard to case.</summary>
    public HubUser? FindUser(string name) => Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds a user (tests make accounts of their own).</summary>
    public bool AddUser(HubUser user)
    {
        lock (_usersLock)
        {
            if (_users.Any(u => u.Id == user.Id || string.Equals(u.Name, user.Name, StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
            _users = [.. _users, user];
            return true;
        }
    }

    /// <summary>Renames a user as the Hub does: same id, same token, new name; the old name is free for anyone to take.</summary>
    public HubUser? Rename(string name, string newName)
    {
        lock (_usersLock)
        {
            var user = FindUser(name);
            if (user is null || (FindUser(newName) is { } taken && taken.Id != user.Id))
            {
                return null;
            }
            var renamed = user with { Name = newName, Token = user.UserAccessToken };
            _users = [.. _users.Select(u => u.Id == user.Id ? renamed : u)];
            return renamed;
        }
    }

    /// <summary>Gives a user a role in an organization, or takes them out of it (<paramref name="role"/> null).</summary>
    public HubUser? SetOrgRole(string name, string org, string? role)
    {
        lock (_usersLock)
        {
            if (FindUser(name) is not { } user)
            {
                return null;
            }
            var existing = user.Orgs.FirstOrDefault(o => string.Equals(o.Name, org, StringComparison.OrdinalIgnoreCase));
            var others = user.Orgs.Where(o => o != existing);
            var changed = user with
            {
                Orgs = role is null ? [.. others] : [.. others, new HubOrg(existing?.Id ?? Guid.NewGuid().ToString("N")[..24], org, existing?.Fullname, role)],
                Token = user.UserAccessToken,
            };
            _users = [.. _users.Select(u => u.Id == user.Id ? changed : u)];
            return changed;
        }
    }

    /// <summary>Commits that exist, by repository ("owner/name"), for the revision lookups a rollback makes.</summary>
    public ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> Revisions { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void AddRevision(string repository, string revision) =>
        Revisions.GetOrAdd(repository, _ => new ConcurrentDictionary<string, bool>())[revision] = true;

    public bool HasRevision(string repository, string revision) =>
        Revisions.TryGetValue(repository, out var known) && known.ContainsKey(revision);

    /// <summary>Every call to the emulated Hub (not to <c>/_emulator</c>), answered or not: what an outage still receives.</summary>
    public int ApiCalls => Volatile.Read(ref _apiCalls);

    /// <summary>Counts a call to the emulated Hub; dispose the result when it has been answered (or abandoned).</summary>
    public IDisposable CountApiCall()
    {
        Interlocked.Increment(ref _apiCalls);
        var now = Interlocked.Increment(ref _apiCallsInFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _mostApiCallsInFlight)) && Interlocked.CompareExchange(ref _mostApiCallsInFlight, now, seen) != seen)
        {
        }
        return new InFlight(this);
    }

    /// <summary>The most calls the emulated Hub was answering at once since <see cref="ResetMostApiCallsInFlight"/>.</summary>
    public int MostApiCallsInFlight => Volatile.Read(ref _mostApiCallsInFlight);

    public void ResetMostApiCallsInFlight() => Volatile.Write(ref _mostApiCallsInFlight, Volatile.Read(ref _apiCallsInFlight));

    private int _apiCallsInFlight;
    private int _mostApiCallsInFlight;

    private sealed class InFlight(HubState state) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref state._apiCallsInFlight);
    }

    /// <summary>Branches created (rollbacks applied to the Hub).</summary>
    public int BranchCreations => Volatile.Read(ref _branchCreations);

    public void CountBranchCreation() => Interlocked.Increment(ref _branchCreations);

    /// <summary>Branches created through the API, by "owner/name@branch": the revision each points at.</summary>
    public ConcurrentDictionary<string, string> Branches { get; } = new();

    private volatile TaskCompletionSource? _branchGate;
    private volatile TaskCompletionSource _branchCallHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes branch creations wait until <see cref="ReleaseBranchCalls"/>, to interrupt a rollback mid-way.</summary>
    public void HoldBranchCalls()
    {
        _branchCallHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _branchGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseBranchCalls() => _branchGate?.TrySetResult();

    /// <summary>Completes when a branch creation is first held at the gate closed by the latest <see cref="HoldBranchCalls"/>.</summary>
    public Task BranchCallHeld => _branchCallHeld.Task;

    /// <summary>Waits at the gate while it is closed; false when the caller gave up meanwhile.</summary>
    public async Task<bool> PassBranchGateAsync(CancellationToken aborted)
    {
        if (_branchGate is not { } gate || gate.Task.IsCompleted)
        {
            return true;
        }
        _branchCallHeld.TrySetResult();
        try
        {
            await gate.Task.WaitAsync(aborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> branch calls answer 500, to test retries.</summary>
    public void FailNextBranchCalls(int count) => Volatile.Write(ref _failBranchCalls, count);

    /// <summary>Whether this branch call should fail (using up one of the failures asked for).</summary>
    public bool TakeBranchFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failBranchCalls);
            if (left <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _failBranchCalls, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    public HubUser? FindByUserAccessToken(string token) => Users.FirstOrDefault(u => u.UserAccessToken == token);
}

public sealed record PendingCode(
    string ClientId, string RedirectUri, string CodeChallenge, string Scope, string? Nonce, HubUser User, DateTimeOffset ExpiresAt);

/// <summary>An OAuth access token: for whom, with which scopes, until when, issued to which OAuth app.</summary>
public sealed record OAuthGrant(HubUser User, string Scope, DateTimeOffset ExpiresAt, string ClientId);
