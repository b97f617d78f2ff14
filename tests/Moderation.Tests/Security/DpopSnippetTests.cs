using System.Diagnostics;
using System.Text.RegularExpressions;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// The participants' guide's Python snippet (docs/participants.md) for peers that report their own work, run as written
/// against the live system with the training side's package (src/moderation-hivemind) importable, as after the quick
/// start's pip install: the proof it sends is the package's <c>dpop_proof</c>.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed partial class DpopSnippetTests(LiveSystem stack)
{
    [Fact]
    public async Task TheDocumentedSnippetJoinsAndReportsWithTheProofThePackageSigns()
    {
        var experiment = await stack.Api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var snippet = Snippet().Match(await File.ReadAllTextAsync(Path.Combine(ReplicaSystem.RepositoryRoot, "docs/participants.md"))).Groups["code"].Value;
        Assert.False(string.IsNullOrWhiteSpace(snippet), "docs/participants.md has no '<!-- dpop-example -->' Python block.");
        Assert.Contains("from moderation_hivemind import dpop_proof", snippet, StringComparison.Ordinal);

        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python, ["-c", snippet]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["MODERATION_URL"] = stack.ApiUrl;
        start.Environment["HF_TOKEN"] = "hf_dev_carol";
        start.Environment["ORG"] = experiment.OrganizationName;
        start.Environment["MODEL"] = experiment.ModelName;
        start.Environment["PYTHONPATH"] = Path.Combine(ReplicaSystem.RepositoryRoot, "src", "moderation-hivemind");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, error);
        Assert.Contains("'stored': 1", output, StringComparison.Ordinal);
        Assert.Equal(1, await stack.Api.QueryDbAsync(db => Task.FromResult(db.ContributionReports.Count(r => r.ExperimentId == experiment.Id
                                                                                   && r.ReportedBy == "peer:carol"))));
    }

    [GeneratedRegex(@"<!-- dpop-example -->\s*```python\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Snippet();
}
