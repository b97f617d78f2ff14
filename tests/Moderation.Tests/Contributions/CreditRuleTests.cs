using Moderation.AuthApi.Contributions;

namespace Moderation.Tests.Contributions;

public sealed class CreditRuleTests
{
    private static readonly CreditRule Rule = new(new CreditOptions { ClipMultiplier = 3, CentreTau = 0.5, MaxIntervalSeconds = 600, MinPeersForCentre = 3 });

    [Fact]
    public void CenteredClipIgnoresAFarOutlierThatDragsTheMean()
    {
        double[] points = [9, 10, 10, 11, 12, 10_000];
        var estimate = CenteredClip.Estimate(points, tau: 2);
        Assert.InRange(estimate, 9, 13);
        Assert.True(points.Average() > 1000);
    }

    [Fact]
    public void CenteredClipWithAHugeTauIsTheMean()
    {
        double[] points = [1, 2, 3, 10];
        Assert.Equal(4, CenteredClip.Estimate(points, tau: 1e6), 6);
    }

    [Fact]
    public void TheIntervalIsTheTimeSinceThePeersPreviousReport()
    {
        var t = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(45), Rule.Interval(100, 10, t, t.AddSeconds(-45)));
        // First report: what its own figures imply, at most the maximum.
        Assert.Equal(TimeSpan.FromSeconds(10), Rule.Interval(100, 10, t, null));
        Assert.Equal(TimeSpan.FromSeconds(600), Rule.Interval(1_000_000, 1, t, null));
        // Back after a long break: as a first report.
        Assert.Equal(TimeSpan.FromSeconds(10), Rule.Interval(100, 10, t, t.AddHours(-5)));
        // Not after the previous one: no time to credit.
        Assert.Equal(TimeSpan.Zero, Rule.Interval(100, 10, t, t));
    }

    [Fact]
    public void ClaimsAboveTheMultipleOfTheCentreAreCreditedAtTheCentre()
    {
        var centre = Rule.Centre([90, 100, 110, 10_000]);
        Assert.NotNull(centre);
        Assert.InRange(centre!.Value, 90, 150);
        Assert.Equal(6000, Rule.Credit(6000, TimeSpan.FromSeconds(60), centre));
        // Up to three times the centre is a fast GPU: credited in full.
        Assert.Equal(15_000, Rule.Credit(15_000, TimeSpan.FromSeconds(60), centre));
        // Beyond it, a claim is implausible and earns what a typical peer did in that minute, however large it is.
        var liar = Rule.Credit(600_000, TimeSpan.FromSeconds(60), centre);
        Assert.Equal((long)Math.Floor(centre.Value * 60), liar);
        Assert.Equal(liar, Rule.Credit(600_000_000, TimeSpan.FromSeconds(60), centre));
        Assert.Equal(0, Rule.Credit(6000, TimeSpan.Zero, centre));
        // Too few peers to tell a centre: the claim stands (the interval rule still applies).
        Assert.Null(Rule.Centre([100, 10_000]));
        Assert.Equal(600_000, Rule.Credit(600_000, TimeSpan.FromSeconds(60), null));
    }
}
