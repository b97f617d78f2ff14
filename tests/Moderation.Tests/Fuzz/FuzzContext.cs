using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// The fixture's real names and credentials the generator starts from, so that a request is wrong in one way only and
/// otherwise reaches as deep as a good one. <see cref="JoinKeys"/>: a few peer keys per caller (never shared between
/// callers, so a join is never refused for claiming another account's key). <see cref="Authorized"/>: by operation id, the
/// callers its declared access rule lets in, so most requests get past authorization to what they test.
/// </summary>
public sealed record FuzzContext(
    string Org,
    string Model,
    int ExperimentId,
    string VictimOrg,
    string VictimModel,
    int VictimId,
    string PeerFingerprint,
    string PeerToken,
    HivemindAccess PeerHivemindAccess,
    IReadOnlyDictionary<FuzzCaller, IReadOnlyList<string>> JoinKeys,
    IReadOnlyDictionary<string, FuzzCaller[]> Authorized)
{
    /// <summary>Operations that change or delete the experiment itself go to a throwaway one (re-created when deleted).</summary>
    public static readonly string[] VictimOperations =
        ["DeleteExperiment", "UpdateExperiment", "experiments:update-experiment-by-id", "experiments:delete-experiment-by-id"];
}
