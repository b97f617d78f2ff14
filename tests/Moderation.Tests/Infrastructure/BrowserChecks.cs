using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Moderation.Tests.Infrastructure;

/// <summary>What every page must pass in a real browser: axe-core's accessibility rules, and screenshots for the README.</summary>
public static class BrowserChecks
{
    // WCAG 2.x A and AA plus axe's best practices; only violations are detailed (the passes are not needed and cost time).
    private static readonly AxeRunOptions Options = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
        ResultTypes = [ResultType.Violations],
    };

    /// <summary>Runs axe-core on the page as it is now and fails on any serious or critical violation, naming each.</summary>
    public static async Task AssertAccessibleAsync(this IPage page)
    {
        var result = await page.RunAxe(Options);
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{page.Url} has accessibility violations:\n" + string.Join("\n", serious.Select(v =>
            $"- {v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }

    /// <summary>The alert in which the console shows the API's refusal of the form <paramref name="form"/>.</summary>
    public static ILocator AlertFor(this IPage page, string form) => page.Locator($"[role=alert][data-form='{form}']");

    /// <summary>
    /// A screenshot of the page. Saved under <c>docs/screenshots/</c> of the checkout when MODERATION_SCREENSHOTS=1 (how the
    /// README's pictures are made), else in the test output folder.
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("MODERATION_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Moderation.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The checkout (Moderation.sln) was not found above the test folder.");
    }
}
