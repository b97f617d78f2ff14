using Moderation.AuthApi.Contributions;

namespace Moderation.Tests.Contributions;

public sealed class CreditRuleTests
{
    private static readonly CreditRule Rule = new(new CreditOptions { ClipMultiplier = 3, CentreTau = 0.5, MaxIntervalSeconds = 600, MinPeersForCentre = 3 });
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

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
    public void AReportStandsForTheWorkItsOwnFiguresImplyAtMostTheMaximum()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), Rule.WorkTime(100, 10));
        Assert.Equal(TimeSpan.FromSeconds(600), Rule.WorkTime(1_000_000, 1));
        Assert.Equal(TimeSpan.FromSeconds(600), Rule.WorkTime(100, 0));
        Assert.Equal(TimeSpan.Zero, Rule.WorkTime(0, 10));
    }

    [Fact]
    public void APeersBudgetIsTheTimeThisServerHasHeardFromItPlusTheHeadStartItDrew()
    {
        var t = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.Zero, Rule.Budget(t, t, 0, 0));
        Assert.Equal(TimeSpan.FromSeconds(600), Rule.Budget(t, t, 0, 600));
        Assert.Equal(TimeSpan.FromSeconds(3600 + 600 - 1000), Rule.Budget(t, t.AddHours(1), 1000, 600));
        Assert.Equal(TimeSpan.Zero, Rule.Budget(t, t.AddSeconds(10), 5000, 600));
        // A key draws one interval of head start in its life.
        Assert.Equal(600, Rule.HeadStartCap(0));
        Assert.Equal(0, Rule.HeadStartCap(600));
    }

    [Fact]
    public void AnAccountsHeadStartHoldsOneIntervalAndRefillsOneSecondPerSecond()
    {
        var t = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new HeadStart(600, t), Rule.Refill(null, t));
        Assert.Equal(new HeadStart(130, t.AddSeconds(30)), Rule.Refill(new HeadStart(100, t), t.AddSeconds(30)));
        Assert.Equal(new HeadStart(600, t.AddHours(5)), Rule.Refill(new HeadStart(0, t), t.AddHours(5)));
        // A receipt older than the allowance's time adds nothing and does not move it back.
        Assert.Equal(new HeadStart(100, t), Rule.Refill(new HeadStart(100, t), t.AddSeconds(-30)));
    }

    [Fact]
    public void ClaimsAboveTheMultipleOfTheCentreAreCreditedAtTheCentre()
    {
        var centre = Rule.Centre([90, 100, 110, 10_000]);
        Assert.NotNull(centre);
        Assert.InRange(centre!.Value, 90, 150);
        Assert.Equal(6000, Rule.Credit(6000, Minute, Minute, centre));
        // Up to three times the centre is a fast GPU: credited in full.
        Assert.Equal(15_000, Rule.Credit(15_000, Minute, Minute, centre));
        // Beyond it, a claim is implausible and earns what a typical peer did in that minute, however large it is.
        var liar = Rule.Credit(600_000, Minute, Minute, centre);
        Assert.Equal((long)Math.Floor(centre.Value * 60), liar);
        Assert.Equal(liar, Rule.Credit(600_000_000, Minute, Minute, centre));
        // Too few peers to tell a centre: the claim stands (the budget still applies).
        Assert.Null(Rule.Centre([100, 10_000]));
        Assert.Equal(600_000, Rule.Credit(600_000, Minute, Minute, null));
    }

    [Fact]
    public void OnlyTheGrantedShareOfTheWorkIsCredited()
    {
        Assert.Equal(3000, Rule.Credit(6000, Minute, TimeSpan.FromSeconds(30), centre: 100));
        Assert.Equal(0, Rule.Credit(6000, Minute, TimeSpan.Zero, centre: 100));
    }
}
