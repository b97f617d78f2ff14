namespace Moderation.Tests.Infrastructure;

/// <summary>
/// Another AuthApi replica beside <paramref name="sharedWith"/>: its own process state (caches, output cache, memory),
/// the same database and Hub emulator — what a second instance behind the balancer shares with the first.
/// </summary>
public sealed class AuthApiReplica(AuthApiFactory sharedWith) : AuthApiFactory(sharedWith)
{
    public static async Task<AuthApiReplica> StartAsync(AuthApiFactory sharedWith)
    {
        var replica = new AuthApiReplica(sharedWith);
        await replica.InitializeAsync();
        return replica;
    }
}
