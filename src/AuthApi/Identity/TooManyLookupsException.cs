namespace Moderation.AuthApi.Identity;

/// <summary>A client address started more lookups of unknown tokens than <see cref="HubLookupGate"/> allows: 429.</summary>
public sealed class TooManyLookupsException(int retryAfterSeconds)
    : Exception("Too many unknown tokens or credentials from this address: each one costs a call to Hugging Face or a database lookup.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
