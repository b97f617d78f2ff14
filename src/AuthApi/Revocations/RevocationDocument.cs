using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Revocations;

/// <summary>A signed revocation list, its ETag, and what it says.</summary>
public sealed record RevocationDocument(string Jws, string ETag, RevocationList List);
