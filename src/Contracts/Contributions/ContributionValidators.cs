using FluentValidation;
using Moderation.Contracts.Tokens;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Contributions;

public static class ContributionLimits
{
    public const int MaxBatchSize = 1000;
    public const long MaxSamples = 1_000_000_000_000;
    public const double MaxSamplesPerSecond = 1e9;

    /// <summary>Local steps a peer accumulated into one global step; hivemind's are in the tens or hundreds.</summary>
    public const int MaxMiniSteps = 1_000_000;

    /// <summary>Reports older than this are refused: hivemind runs report as they go, not years later.</summary>
    public static readonly DateTimeOffset Earliest = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Clock skew tolerated for a report's time.</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);
}

public sealed class ContributionBatchValidator : AbstractValidator<ContributionBatch>
{
    public ContributionBatchValidator(TimeProvider? clock = null)
    {
        RuleFor(b => b.Reports).NotEmpty().WithMessage("'reports' must hold at least one report.")
            .Must(r => r is null || r.Count <= ContributionLimits.MaxBatchSize)
            .WithMessage(b => $"A batch holds at most {ContributionLimits.MaxBatchSize} reports; this one has {b.Reports!.Count}: split it.");
        // Every report is checked, and each error names its index (reports[3].samples): a batch is stored whole or not at all.
        // A report that passes the allocation-free check of the same rules (ContributionReportValidator.Passes) skips the
        // per-item rule machinery, which cost ~2 KB of allocations and most of a batch's validation time per report; the
        // others go through the rules, which say what is wrong.
        clock ??= TimeProvider.System;
        RuleForEach(b => b.Reports).Where(r => !ContributionReportValidator.Passes(r, clock))
            .NotNull().WithMessage("Each report must be an object.")
            .SetValidator(new ContributionReportValidator(clock))
            .When(b => b.Reports is { Count: <= ContributionLimits.MaxBatchSize });
    }
}

public sealed class ContributionReportValidator : AbstractValidator<ContributionReport>
{
    public ContributionReportValidator(TimeProvider clock)
    {
        RuleFor(r => r.PeerPublicKey).NotEmpty()
            .Must(k => k is null || PeerKeyFingerprints.TryGet(k, out _))
            .WithMessage("'peer_public_key' must be the peer's OpenSSH RSA public key (ssh-rsa …) or its 43-character fingerprint.");
        RuleFor(r => r.Step).NotNull().GreaterThanOrEqualTo(0);
        RuleFor(r => r.Samples).NotNull().InclusiveBetween(0, ContributionLimits.MaxSamples);
        RuleFor(r => r.SamplesPerSecond).NotNull()
            .Must(s => s is null || (double.IsFinite(s.Value) && s >= 0 && s <= ContributionLimits.MaxSamplesPerSecond))
            .WithMessage($"'samples_per_second' must be a number from 0 to {ContributionLimits.MaxSamplesPerSecond:0e0}.");
        RuleFor(r => r.MiniSteps).NotNull().InclusiveBetween(0, ContributionLimits.MaxMiniSteps);
        RuleFor(r => r.Loss).Loss();
        RuleFor(r => r.Time).NotNull()
            .Must(t => t is null || (double.IsFinite(t.Value) && t >= ContributionLimits.Earliest.ToUnixTimeSeconds()))
            .WithMessage("'time' must be Unix seconds (as time.time() gives) after 2020-01-01.")
            .Must(t => t is null || !double.IsFinite(t.Value) || t <= (clock.GetUtcNow() + ContributionLimits.FutureSkew).ToUnixTimeSeconds())
            .WithMessage("'time' is in the future: check the reporting machine's clock.");
    }

    /// <summary>
    /// Whether <paramref name="report"/> meets every rule above, checked without allocating: the batch validator runs the
    /// rules (for their messages) only on reports that do not. ContributionValidationTests holds the two to the same answer.
    /// </summary>
    public static bool Passes(ContributionReport? report, TimeProvider clock) =>
        report is { PeerPublicKey: { } key, Step: >= 0, Samples: >= 0 and <= ContributionLimits.MaxSamples, SamplesPerSecond: { } rate,
                    MiniSteps: >= 0 and <= ContributionLimits.MaxMiniSteps, Loss: { } loss, Time: { } time }
        && !string.IsNullOrWhiteSpace(key) && PeerKeyFingerprints.TryGet(key, out _)
        && double.IsFinite(rate) && rate is >= 0 and <= ContributionLimits.MaxSamplesPerSecond
        && double.IsFinite(loss) && loss is >= 0 and <= RuleExtensions.MaxLoss
        && double.IsFinite(time) && time >= ContributionLimits.Earliest.ToUnixTimeSeconds()
        && time <= (clock.GetUtcNow() + ContributionLimits.FutureSkew).ToUnixTimeSeconds();
}

/// <summary>
/// Peer-key fingerprints of the keys reports name. Auxiliary peers report the same few hundred keys every step, so each
/// key's fingerprint is computed once (the cache is bounded and simply starts over when full).
/// </summary>
public static class PeerKeyFingerprints
{
    private const int MaxCached = 100_000;
    private static readonly System.Buffers.SearchValues<char> Base64UrlCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private static System.Collections.Concurrent.ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    /// <summary>The fingerprint of an OpenSSH key, or the text itself when it already is a fingerprint.</summary>
    public static bool TryGet(string text, out string fingerprint)
    {
        if (IsFingerprint(text))
        {
            fingerprint = text;
            return true;
        }
        var cache = s_cache;
        if (cache.TryGetValue(text, out fingerprint!))
        {
            return true;
        }
        if (!OpenSshRsaKey.TryParse(text, out var key, out _))
        {
            fingerprint = "";
            return false;
        }
        if (cache.Count >= MaxCached)
        {
            s_cache = cache = new(StringComparer.Ordinal);
        }
        cache[text] = fingerprint = key!.Fingerprint;
        return true;
    }

    /// <summary>An RFC 7638 SHA-256 thumbprint: 43 base64url characters.</summary>
    public static bool IsFingerprint(string text) => text.Length == 43 && !text.AsSpan().ContainsAnyExcept(Base64UrlCharacters);
}
