namespace Moderation.AuthApi.Data;

/// <summary>The single row whose <see cref="Version"/> every change to any revocation list increments.</summary>
public sealed class RevocationState
{
    public int Id { get; set; }
    public long Version { get; set; }
}
