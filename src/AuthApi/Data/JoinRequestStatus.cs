namespace Moderation.AuthApi.Data;

public enum JoinRequestStatus
{
    Pending,
    Approved,
    Rejected,
}
