using System.Text.RegularExpressions;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Deploy;

/// <summary>
/// The README and docs/ stay true: every setting they name is one the apps read (known from their options classes),
/// every script they show exists and can be run, every link between them leads to a file and heading that exist, and
/// the README stays short enough for a newcomer.
/// </summary>
public sealed partial class DocsTests
{
    private static readonly string Root = ReplicaSystem.RepositoryRoot;

    /// <summary>Settings read by the framework or the platform, not by an options class of ours.</summary>
    private static readonly string[] FrameworkSettings = ["ConnectionStrings:Moderation", "Logging:LogLevel", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT"];

    private static IEnumerable<string> Documents() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(Root, "README.md"));

    [Fact]
    public void TheReadmeIsShort()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md")).Length;
        Assert.True(lines <= 200, $"README.md has {lines} lines; the rest belongs in docs/.");
    }

    [Fact]
    public void EverySettingTheDocsNameIsOneTheAppsRead()
    {
        var known = DeploymentFilesTests.KnownSettings();
        var named = Documents().SelectMany(d => QualifiedSetting().Matches(File.ReadAllText(d)).Select(m => (Doc: Path.GetFileName(d), Setting: m.Groups["name"].Value)))
                               .Select(n => (n.Doc, Setting: n.Setting.Replace("__", ":", StringComparison.Ordinal)))
                               .ToList();
        Assert.True(named.Count >= 40, $"only {named.Count} settings found in the docs: the pattern no longer matches them");
        var unknown = named.Where(n => !known.Contains(ArrayIndex().Replace(n.Setting, "")) && !FrameworkSettings.Any(f => n.Setting.StartsWith(f, StringComparison.Ordinal)))
                           .Select(n => $"{n.Doc}: {n.Setting}").Distinct().ToList();
        Assert.True(unknown.Count == 0, "named in the docs but read by no app:\n" + string.Join('\n', unknown));
    }

    [Fact]
    public void EveryScriptTheDocsShowExistsAndRuns()
    {
        var scripts = Documents().SelectMany(d => ScriptPath().Matches(File.ReadAllText(d)).Select(m => (Doc: Path.GetFileName(d), Path: m.Groups["path"].Value))).ToList();
        Assert.Contains(scripts, s => s.Path == "deploy/run-local.sh");
        Assert.Contains(scripts, s => s.Path == "deploy/test.sh");
        var missing = scripts.Where(s => !File.Exists(Path.Combine(Root, s.Path))).Select(s => $"{s.Doc}: {s.Path}").Distinct().ToList();
        Assert.True(missing.Count == 0, "shown in the docs but not in the repository:\n" + string.Join('\n', missing));
        var commands = Documents().SelectMany(d => CommandLine().Matches(File.ReadAllText(d)).Select(m => m.Groups["path"].Value)).Distinct().ToList();
        Assert.Contains("deploy/test.sh", commands);
        var notExecutable = commands.Where(p => !OperatingSystem.IsWindows() && !File.GetUnixFileMode(Path.Combine(Root, p)).HasFlag(UnixFileMode.UserExecute)).ToList();
        Assert.True(notExecutable.Count == 0, "not executable: " + string.Join(", ", notExecutable));
    }

    [Fact]
    public void EveryBenchSuiteTheDocsRunIsOneTheBenchKnows()
    {
        var bench = File.ReadAllText(Path.Combine(Root, "deploy/bench/run.sh"));
        var suites = Documents().SelectMany(d => BenchSuites().Matches(File.ReadAllText(d)).SelectMany(m => m.Groups["suites"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                                .Distinct().ToList();
        Assert.Contains("join", suites);
        Assert.All(suites, s => Assert.Matches($@"\bwant {Regex.Escape(s)}\b", bench));
    }

    [Fact]
    public void EveryLinkBetweenTheDocsLeadsToAFileAndHeadingThatExist()
    {
        var broken = new List<string>();
        foreach (var doc in Documents())
        {
            foreach (Match link in RelativeLink().Matches(File.ReadAllText(doc)))
            {
                var target = link.Groups["file"].Value.Length == 0 ? doc : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(doc)!, link.Groups["file"].Value));
                var anchor = link.Groups["anchor"].Value;
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    broken.Add($"{Path.GetFileName(doc)}: {link.Value} (no such file)");
                }
                else if (anchor.Length > 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(target).Contains(anchor))
                {
                    broken.Add($"{Path.GetFileName(doc)}: {link.Value} (no such heading)");
                }
            }
        }
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string file) =>
        File.ReadAllLines(file).Where(l => l.StartsWith('#'))
            .Select(l => Slug().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet();

    // `Section:Property` or `Section__Property` in backticks, as the docs write settings.
    [GeneratedRegex(@"`(?<name>[A-Z][A-Za-z]+(?::|__)[A-Z][A-Za-z]+(?:(?::|__)[A-Za-z0-9]+)*)`")]
    private static partial Regex QualifiedSetting();

    [GeneratedRegex(@"(?<![\w/.])(?<path>(?:deploy|\.ci|tests)/[\w./-]+\.(?:sh|py)|\.ci/run)\b")]
    private static partial Regex ScriptPath();

    // A script run as a command: at the start of a line of a code block, after any VARIABLE=value settings.
    [GeneratedRegex(@"(?m)^(?:[A-Z_]+=\S+ )*(?<path>(?:deploy|\.ci)/[\w./-]+)")]
    private static partial Regex CommandLine();

    [GeneratedRegex(@"deploy/bench/run\.sh(?: \[[^\]]*\])* \d+ (?<suites>[a-z]+(?: [a-z]+)*)")]
    private static partial Regex BenchSuites();

    [GeneratedRegex(@"\]\((?!https?:)(?<file>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"[^\p{L}\p{N} _-]")]
    private static partial Regex Slug();

    [GeneratedRegex(@":\d+$")]
    private static partial Regex ArrayIndex();
}
