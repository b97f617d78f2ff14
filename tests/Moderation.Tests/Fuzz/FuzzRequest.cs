namespace Moderation.Tests.Fuzz;

/// <summary>Who sends a fuzz request: the fixture's real callers, and credentials that belong to nobody.</summary>
public enum FuzzCaller
{
    Anonymous,
    Participant,
    Owner,
    GlobalAdmin,
    ServiceKey,
    Peer,
    JunkAuthorization,
    UnknownHfToken,
    UnknownServiceKey,
    JwtWithCnfNoAud,
    JwtWithCnfNoAudAsDpop,
    ForgedExpiredPeerToken,
    WrongAudiencePeer,
    BarePeerToken,
}

/// <summary>
/// One generated request. <see cref="Target"/> is the raw request target (path and query, percent-encoded as sent: it is
/// not canonicalised on the way). <see cref="Mutation"/> says what was made wrong, for the report of a finding.
/// </summary>
public sealed record FuzzRequest(
    ApiOperation Operation, string Method, string Target, FuzzCaller Caller, string? ContentType, byte[]? Body, bool Chunked,
    string Mutation)
{
    public bool UsesVictim { get; init; }

    public override string ToString()
    {
        var body = Body is null ? "" : Body.Length > 300
            ? $" body[{Body.Length} bytes]: {Preview(Body)}…"
            : $" body: {Preview(Body)}";
        return $"{Method} {Shorten(Target)} as {Caller} ({Mutation}; {ContentType ?? "no content type"}{(Chunked ? ", chunked" : "")}){body}";
    }

    private static string Preview(byte[] body) => Shorten(System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)));

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + $"…({text.Length} chars)" : text;
}

/// <summary>What the server answered; <see cref="ConnectionClosed"/>: it said <c>Connection: close</c>, as Kestrel does when it refuses a request itself.</summary>
public sealed record FuzzResponse(int Status, string? ContentType, string Body, bool ConnectionClosed);
