using Microsoft.Extensions.Time.Testing;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Validation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Contributions;

/// <summary>
/// The batch validator skips the rule machinery for reports that pass <see cref="ContributionReportValidator.Passes"/>;
/// these tests hold that check to the rules' answer at every edge of every field, so no report the rules refuse is stored.
/// </summary>
public sealed class ContributionValidationTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Now);
    private readonly ContributionReport valid = new(new string('A', 43), 7, 6000, 100, 4, 2.5, Now.AddMinutes(-1).ToUnixTimeSeconds());

    /// <summary>Each field at and beyond its bounds, one at a time.</summary>
    private IEnumerable<ContributionReport> Edges()
    {
        var future = (Now + ContributionLimits.FutureSkew).ToUnixTimeSeconds();
        var earliest = ContributionLimits.Earliest.ToUnixTimeSeconds();
        string?[] keys = [null, "", " ", new string(' ', 43), new string('A', 42), new string('A', 44), new string('A', 42) + "=",
            new string('A', 42) + "é", new string('-', 43), "_" + new string('z', 42), PeerKeys.New(), PeerKeys.New(1024), "ssh-rsa AAAAnope"];
        foreach (var key in keys)
        {
            yield return valid with { PeerPublicKey = key };
        }
        foreach (var step in new long?[] { null, long.MinValue, -1, 0, 1, long.MaxValue })
        {
            yield return valid with { Step = step };
        }
        foreach (var samples in new long?[] { null, -1, 0, ContributionLimits.MaxSamples, ContributionLimits.MaxSamples + 1, long.MaxValue })
        {
            yield return valid with { Samples = samples };
        }
        double?[] numbers = [null, double.NaN, double.NegativeInfinity, double.PositiveInfinity, -1e-300, -0.0, 0, 1e-300, 1, double.MaxValue];
        foreach (var rate in numbers.Concat([ContributionLimits.MaxSamplesPerSecond, Math.BitIncrement(ContributionLimits.MaxSamplesPerSecond)]))
        {
            yield return valid with { SamplesPerSecond = rate };
        }
        foreach (var loss in numbers.Concat([RuleExtensions.MaxLoss, Math.BitIncrement(RuleExtensions.MaxLoss)]))
        {
            yield return valid with { Loss = loss };
        }
        foreach (var mini in new int?[] { null, int.MinValue, -1, 0, ContributionLimits.MaxMiniSteps, ContributionLimits.MaxMiniSteps + 1 })
        {
            yield return valid with { MiniSteps = mini };
        }
        double?[] times = [null, double.NaN, double.NegativeInfinity, double.PositiveInfinity, 0, earliest - 1, Math.BitDecrement((double)earliest),
            earliest, future, future + 0.001, Math.BitIncrement((double)future), future + 1, 1e300];
        foreach (var time in times)
        {
            yield return valid with { Time = time };
        }
    }

    [Fact]
    public void TheQuickCheckAgreesWithTheRulesAtEveryFieldsEdges()
    {
        var rules = new ContributionReportValidator(clock);
        var count = 0;
        foreach (var report in Edges())
        {
            Assert.True(ContributionReportValidator.Passes(report, clock) == rules.Validate(report).IsValid, $"disagree on {report}");
            count++;
        }
        Assert.True(count > 60, $"{count} cases");
        Assert.False(ContributionReportValidator.Passes(null, clock));
    }

    [Fact]
    public void TheQuickCheckAgreesWithTheRulesOnRandomMixes()
    {
        var rules = new ContributionReportValidator(clock);
        var edges = Edges().ToList();
        var random = new Random(20261202);
        var (passed, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            // Each field from a random edge case: most mixes break more than one rule, some break none.
            ContributionReport Pick() => edges[random.Next(edges.Count)];
            var report = random.Next(4) == 0 ? Pick() : new ContributionReport(Pick().PeerPublicKey, Pick().Step, Pick().Samples,
                Pick().SamplesPerSecond, Pick().MiniSteps, Pick().Loss, Pick().Time);
            var passes = ContributionReportValidator.Passes(report, clock);
            Assert.True(passes == rules.Validate(report).IsValid, $"disagree on {report}");
            (passed, refused) = passes ? (passed + 1, refused) : (passed, refused + 1);
        }
        Assert.True(passed > 100 && refused > 100, $"{passed} passed, {refused} refused");
    }

    [Fact]
    public void ABatchNamesEveryBadReportAndOnlyThose()
    {
        var batch = new ContributionBatch([valid, valid with { Samples = -1 }, valid, valid with { Loss = double.NaN, Time = 0 }, null!]);
        var result = new ContributionBatchValidator(clock).Validate(batch);
        // Lower case: the snake_case name resolver is set by AuthApi's start-up, which this test does not need.
        Assert.Equal(["reports[1].samples", "reports[3].loss", "reports[3].time", "reports[4]"],
            result.Errors.Select(e => e.PropertyName.ToLowerInvariant()).Order(StringComparer.Ordinal));
        Assert.True(new ContributionBatchValidator(clock).Validate(new ContributionBatch([valid, valid])).IsValid);
    }
}
