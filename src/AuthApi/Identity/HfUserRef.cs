using Moderation.Contracts.Identity;

namespace Moderation.AuthApi.Identity;

/// <summary>A Hugging Face account: its permanent id and its name in the Hub's spelling.</summary>
public sealed record HfUserRef(string Id, string Username);
