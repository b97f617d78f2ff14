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
    private int _whoAmICalls;
    private int _apiCalls;
    private int _branchCreations;
    private int _failBranchCalls;

    public IReadOnlyList<HubUser> Users { get; } = users;
    public HubMode Mode { get; set; } = HubMode.Normal;
    public ConcurrentDictionary<string, PendingCode> Codes { get; } = new();
    public ConcurrentDictionary<string, OAuthGrant> AccessTokens { get; } = new();

    public int WhoAmICalls => Volatile.Read(ref _whoAmICalls);

    public void CountWhoAmI() => Interlocked.Increment(ref _whoAmICalls);

    /// <summary>Every call to the emulated Hub (not to <c>/_emulator</c>), answered or not: what an outage still receives.</summary>
    public int ApiCalls => Volatile.Read(ref _apiCalls);

    public void CountApiCall() => Interlocked.Increment(ref _apiCalls);

    /// <summary>Branches created (rollbacks applied to the Hub).</summary>
    public int BranchCreations => Volatile.Read(ref _branchCreations);

    public void CountBranchCreation() => Interlocked.Increment(ref _branchCreations);

    public HubUser? FindUser(string name) => Users.FirstOrDefault(u => u.Name == name);

    /// <summary>Branches created through the API, by "owner/name@branch": the revision each points at.</summary>
    public ConcurrentDictionary<string, string> Branches { get; } = new();

    private volatile TaskCompletionSource? _branchGate;
    private readonly TaskCompletionSource _branchCallHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes branch creations wait until <see cref="ReleaseBranchCalls"/>, to interrupt a rollback mid-way.</summary>
    public void HoldBranchCalls() =>
        _branchGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseBranchCalls() => _branchGate?.TrySetResult();

    /// <summary>Completes when a branch creation is first held at the gate.</summary>
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

public sealed record OAuthGrant(HubUser User, string Scope, DateTimeOffset ExpiresAt);
