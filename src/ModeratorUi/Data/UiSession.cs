namespace Moderation.ModeratorUi.Data;

/// <summary>
/// A signed-in console session, kept here rather than in the cookie (which holds only <see cref="Id"/>): signing out
/// deletes the row, so a copy of the cookie opens nothing on any replica. <see cref="Ticket"/> is the sign-in (with the
/// user's HF access token), encrypted with the key ring (Data Protection), never stored readable.
/// </summary>
public sealed class UiSession
{
    /// <summary>256 random bits, base64url.</summary>
    public required string Id { get; set; }

    /// <summary>The HF user id (<c>sub</c>) the session is for.</summary>
    public required string UserId { get; set; }

    public required byte[] Ticket { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}
