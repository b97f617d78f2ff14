namespace Moderation.AuthApi.Jobs;

/// <summary>
/// What one AuthApi process does (<c>Instance:Role</c>). The same image runs as a serving replica, behind the balancer,
/// or as a worker that runs the background jobs; both in one process is the default, for a single process and the tests.
/// </summary>
public sealed class InstanceOptions
{
    public const string Section = "Instance";

    /// <summary><c>all</c> (the default), <c>serve</c> or <c>work</c>.</summary>
    public string Role { get; set; } = "all";

    /// <summary>The role this configuration names; a name that is none of them stops the start, naming the setting.</summary>
    public static InstanceRole RoleOf(IConfiguration configuration)
    {
        var role = configuration[$"{Section}:{nameof(Role)}"] ?? "all";
        return role.Trim().ToLowerInvariant() switch
        {
            "all" => InstanceRole.All,
            "serve" => InstanceRole.Serve,
            "work" => InstanceRole.Work,
            _ => throw new InvalidOperationException($"Instance:Role '{role}' is none of all, serve, work."),
        };
    }
}

/// <summary>What a process of AuthApi runs: the API, the background jobs, or both.</summary>
public enum InstanceRole
{
    /// <summary>The API and the jobs in one process.</summary>
    All,

    /// <summary>
    /// The API only: no Hangfire server, no outbox dispatcher, Hangfire not even loaded. Jobs an action needs are written
    /// to the outbox with it, and a worker hands them to Hangfire.
    /// </summary>
    Serve,

    /// <summary>
    /// The jobs only: Hangfire's servers, the outbox dispatcher and the recurring jobs' registration; over HTTP only the
    /// health endpoints and <c>/metrics</c>.
    /// </summary>
    Work,
}

public static class InstanceRoles
{
    public static bool Serves(this InstanceRole role) => role != InstanceRole.Work;

    public static bool Works(this InstanceRole role) => role != InstanceRole.Serve;
}
