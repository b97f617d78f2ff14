using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>A peer token as issued (or re-issued), with the public key of the key that signed it.</summary>
public sealed record IssuedPeerToken(IssuedToken Record, HivemindAccess HivemindAccess, string AuthServerPublicKey);
