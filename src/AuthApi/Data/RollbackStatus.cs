namespace Moderation.AuthApi.Data;

public enum RollbackStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
