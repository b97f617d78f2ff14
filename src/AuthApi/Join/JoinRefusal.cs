using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Access;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Peers;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

public enum JoinRefusal
{
    NotAdmitted,
    Banned,
    KeyRevoked,
    KeyTaken,
    TooManyKeys,
}
