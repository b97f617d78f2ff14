using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Peers;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>A join's result: the token, or why not (in words for the participant), with when to try again where that helps.</summary>
public sealed record JoinOutcome(IssuedPeerToken? Issued, JoinRefusal? Refusal = null, string? Reason = null, TimeSpan? RetryAfter = null);
