using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Access;

public enum AccessRefusalKind
{
    NotAdmitted,
    Banned,
    KeyRevoked,
}
