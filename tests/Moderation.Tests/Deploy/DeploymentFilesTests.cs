using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Moderation.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Moderation.Tests.Deploy;

/// <summary>
/// No container engine runs here, so the deployment files are checked for what can be checked: every environment
/// variable the compose file and the Helm chart set is a setting the apps read (known from their options classes), every
/// probe and health check asks for an endpoint the apps serve, the images are multi-stage and non-root, and yamllint passes.
/// </summary>
public sealed partial class DeploymentFilesTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private static readonly string Root = ReplicaSystem.RepositoryRoot;
    private static readonly string Chart = Path.Combine(Root, "deploy/helm/moderation");

    [Fact]
    public void EveryEnvironmentVariableTheDeploymentFilesSetIsASettingTheAppsRead()
    {
        var known = KnownSettings();
        Assert.Contains("Tokens:Issuer", known);
        Assert.Contains("DataProtection:CertificatePath", known);
        var set = EnvironmentVariablesSet().ToList();
        Assert.True(set.Count >= 15, string.Join(", ", set));
        var unknown = set.Where(v => !IsKnown(v, known)).ToList();
        Assert.True(unknown.Count == 0, "not read by the apps: " + string.Join(", ", unknown));
    }

    [Fact]
    public async Task ProbesAndHealthChecksAskForEndpointsTheAppsServe()
    {
        var paths = ProbePaths().ToList();
        Assert.Contains("/healthz", paths);
        Assert.Contains("/readyz", paths);
        await using var ui = new ModeratorUiFactory(api, "http://127.0.0.1:1");
        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.CreateClient().GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await ui.CreateClient().GetAsync(path)).StatusCode);
        }
    }

    [Theory]
    [InlineData("AuthApi")]
    [InlineData("ModeratorUi")]
    public void ImagesAreBuiltWithTheSdkAndRunWithoutItAsANonRootUser(string app)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, $"deploy/docker/{app}.Dockerfile"));
        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, stages.Count);
        Assert.Contains("/dotnet/sdk:", stages[0], StringComparison.Ordinal);
        Assert.Contains("/dotnet/aspnet:", stages[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Trim() == "USER $APP_UID");
        Assert.Contains(lines, l => l.Contains($"Moderation.{app}.dll", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheYamlFilesPassYamllint()
    {
        var files = new[] { "deploy/compose.yaml", "deploy/helm/moderation/Chart.yaml", "deploy/helm/moderation/values.yaml" }
            .Select(f => (f, File.ReadAllText(Path.Combine(Root, f))))
            .Concat(Templates().Select(t => (Path.GetRelativePath(Root, t), Render(File.ReadAllText(t)))));
        foreach (var (name, text) in files)
        {
            var start = new ProcessStartInfo("yamllint", ["-f", "parsable", "-c", Path.Combine(Root, "deploy/.yamllint"), "-"])
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var lint = Process.Start(start)!;
            await lint.StandardInput.WriteAsync(text);
            lint.StandardInput.Close();
            var report = await lint.StandardOutput.ReadToEndAsync() + await lint.StandardError.ReadToEndAsync();
            await lint.WaitForExitAsync();
            Assert.True(lint.ExitCode == 0, $"{name}:\n{report}");
        }
    }

    /// <summary>Every <c>Section:Property</c> of the apps' options classes (types with a <c>Section</c> constant).</summary>
    internal static HashSet<string> KnownSettings()
    {
        var assemblies = new[] { typeof(Program).Assembly, typeof(Moderation.ModeratorUi.UiAssembly).Assembly, typeof(Moderation.ServiceDefaults.DatabaseOptions).Assembly };
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetValue(null) is string section)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                {
                    known.Add($"{section}:{property.Name}");
                }
            }
        }
        return known;
    }

    /// <summary>Set by the hosting platform or ASP.NET Core itself, not by an options class of ours.</summary>
    private static readonly string[] FrameworkSettings = ["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS"];

    private static bool IsKnown(string variable, HashSet<string> known) =>
        FrameworkSettings.Contains(variable) || known.Contains(ArrayIndex().Replace(variable.Replace("__", ":", StringComparison.Ordinal), ""));

    private static IEnumerable<string> EnvironmentVariablesSet()
    {
        // compose: the env file example and each app service's environment.
        foreach (var line in File.ReadAllLines(Path.Combine(Root, "deploy/compose/moderation.env.example")).Where(l => l.Contains('=') && !l.StartsWith('#')))
        {
            yield return line[..line.IndexOf('=')];
        }
        var compose = Load(File.ReadAllText(Path.Combine(Root, "deploy/compose.yaml"))).Single();
        foreach (var service in ((YamlMappingNode)compose["services"]).Children.Where(s => !((YamlScalarNode)s.Key).Value!.StartsWith("postgres", StringComparison.Ordinal)
                                                                                      && ((YamlScalarNode)s.Key).Value != "haproxy"))
        {
            if (service.Value is YamlMappingNode body && body.Children.TryGetValue("environment", out var environment))
            {
                foreach (var name in ((YamlMappingNode)environment).Children.Keys)
                {
                    yield return ((YamlScalarNode)name).Value!;
                }
            }
        }
        // Helm: the values that become the ConfigMap and Secret, the ConfigMap's own keys, and the containers' env.
        var values = Load(File.ReadAllText(Path.Combine(Chart, "values.yaml"))).Single();
        foreach (var group in new[] { "settings", "secrets" })
        {
            foreach (var name in ((YamlMappingNode)values[group]).Children.Keys)
            {
                yield return ((YamlScalarNode)name).Value!;
            }
        }
        foreach (var document in Templates().SelectMany(t => Load(Render(File.ReadAllText(t)))))
        {
            if (document.Children.TryGetValue("kind", out var kind) && kind.ToString() == "ConfigMap")
            {
                foreach (var name in ((YamlMappingNode)document["data"]).Children.Keys.Select(k => k.ToString()).Where(k => k != Placeholder))
                {
                    yield return name;
                }
            }
            foreach (var env in Descendants(document).OfType<YamlMappingNode>().Where(m => m.Children.ContainsKey("env")).Select(m => m["env"]).OfType<YamlSequenceNode>())
            {
                foreach (var variable in env.Children.OfType<YamlMappingNode>())
                {
                    yield return variable["name"].ToString();
                }
            }
        }
    }

    private static IEnumerable<string> ProbePaths()
    {
        foreach (var document in Templates().SelectMany(t => Load(Render(File.ReadAllText(t)))))
        {
            foreach (var get in Descendants(document).OfType<YamlMappingNode>().Where(m => m.Children.ContainsKey("httpGet")).Select(m => (YamlMappingNode)m["httpGet"]))
            {
                yield return get["path"].ToString();
            }
        }
        foreach (var file in new[] { "deploy/compose.yaml", "deploy/compose/haproxy.cfg", "deploy/haproxy-config.sh" })
        {
            foreach (Match m in HealthPath().Matches(File.ReadAllText(Path.Combine(Root, file))))
            {
                yield return m.Value;
            }
        }
    }

    private const string Placeholder = "templated";

    private static IEnumerable<string> Templates() => Directory.GetFiles(Path.Combine(Chart, "templates"), "*.yaml");

    /// <summary>
    /// What Helm would render, as far as its shape goes: lines that are only template actions go, other actions become
    /// a placeholder. (The chart keeps its actions to whole lines and scalar values for this.)
    /// </summary>
    private static string Render(string template) => string.Join('\n', template.Split('\n')
        .Where(l => !WholeLineAction().IsMatch(l))
        .Select(l => InlineAction().Replace(l, Placeholder)));

    private static List<YamlMappingNode> Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static IEnumerable<YamlNode> Descendants(YamlNode node) => node.AllNodes;

    [GeneratedRegex(@"^\s*\{\{-?.*-?\}\}\s*$")]
    private static partial Regex WholeLineAction();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex InlineAction();

    [GeneratedRegex(@":\d+$")]
    private static partial Regex ArrayIndex();

    [GeneratedRegex(@"/(healthz|readyz)\b")]
    private static partial Regex HealthPath();
}
