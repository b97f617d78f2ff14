namespace Moderation.AuthApi.Identity;

/// <summary>A caller started more Hub lookups than <see cref="HubLookupGate"/> or <see cref="UserLookupGate"/> allows: 429.</summary>
public sealed class TooManyLookupsException(int retryAfterSeconds, string? message = null)
    : Exception(message ?? "Too many unknown tokens or credentials from this address: each one costs a call to Hugging Face or a database lookup.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
