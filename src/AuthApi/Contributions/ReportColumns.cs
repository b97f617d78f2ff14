using Moderation.Contracts.Contributions;

namespace Moderation.AuthApi.Contributions;

/// <summary>
/// A validated batch as the columns it is stored in, one array per column (<see cref="ContributionStore"/> passes them to
/// <c>unnest</c>), built in one pass: the peer key reduced to its fingerprint, the time in UTC, and, once
/// <see cref="CreditTo"/> has run, the user (HF id) each report is credited to (null: unattributed).
/// </summary>
public sealed class ReportColumns
{
    public ReportColumns(IReadOnlyList<ContributionReport> reports)
    {
        var n = reports.Count;
        (Fingerprints, Steps, Samples, SamplesPerSecond, MiniSteps, Losses, Times, UserIds) =
            (new string[n], new long[n], new long[n], new double[n], new int[n], new double?[n], new DateTimeOffset[n], new string?[n]);
        for (var i = 0; i < n; i++)
        {
            var r = reports[i];
            PeerKeyFingerprints.TryGet(r.PeerPublicKey!, out Fingerprints[i]);
            (Steps[i], Samples[i], SamplesPerSecond[i], MiniSteps[i], Losses[i]) = (r.Step!.Value, r.Samples!.Value, r.SamplesPerSecond!.Value, r.MiniSteps ?? 0, r.Loss);
            Times[i] = DateTimeOffset.UnixEpoch.AddTicks((long)(r.Time!.Value * TimeSpan.TicksPerSecond));
        }
    }

    public int Count => Fingerprints.Length;
    public string[] Fingerprints { get; }
    public long[] Steps { get; }
    public long[] Samples { get; }
    public double[] SamplesPerSecond { get; }
    public int[] MiniSteps { get; }
    public double?[] Losses { get; }
    public DateTimeOffset[] Times { get; }
    public string?[] UserIds { get; }

    /// <summary>Credits each report to its key's owner in <paramref name="owners"/> (every fingerprint of the batch is a key there).</summary>
    public void CreditTo(IReadOnlyDictionary<string, string?> owners)
    {
        for (var i = 0; i < UserIds.Length; i++)
        {
            UserIds[i] = owners[Fingerprints[i]];
        }
    }
}
