namespace Moderation.AuthApi.Data;

public enum CheckpointStatus
{
    Active,
    Quarantined,
    Superseded,
}
