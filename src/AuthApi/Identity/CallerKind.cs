namespace Moderation.AuthApi.Identity;

public enum CallerKind
{
    Anonymous,
    User,
    ServiceKey,
    Peer,
}
