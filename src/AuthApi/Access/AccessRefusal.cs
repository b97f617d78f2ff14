using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Access;

/// <summary>Why a join was refused. <see cref="Reason"/> is written for the person refused.</summary>
public sealed record AccessRefusal(AccessRefusalKind Kind, string Reason)
{
    /// <summary>Banned, or the key was revoked: no join request is recorded for these.</summary>
    public bool Banned => Kind != AccessRefusalKind.NotAdmitted;
}
