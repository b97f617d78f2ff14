using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Moderation.Tests.Deploy;

/// <summary>The deployment files run AuthApi as serving replicas behind the balancer and as workers beside them.</summary>
public sealed partial class DeploymentFilesTests
{
    [Fact]
    public void ComposeRunsServingReplicasBehindTheBalancerAndAWorkerBesideThem()
    {
        var services = (YamlMappingNode)Load(File.ReadAllText(Path.Combine(Root, "deploy/compose.yaml"))).Single()["services"];
        var roles = services.Children.Where(s => s.Value is YamlMappingNode body && body.Children.ContainsKey("environment"))
            .Select(s => (Name: s.Key.ToString(), Role: ((YamlMappingNode)((YamlMappingNode)s.Value)["environment"]).Children
                .FirstOrDefault(e => e.Key.ToString() == "Instance__Role").Value?.ToString()))
            .Where(s => s.Role is not null).ToList();
        var balanced = BalancedServer().Matches(File.ReadAllText(Path.Combine(Root, "deploy/compose/haproxy.cfg"))).Select(m => m.Groups["host"].Value).ToList();
        Assert.NotEmpty(balanced);
        // Every AuthApi server behind HAProxy serves and runs no job; the workers are not behind it.
        Assert.Equal(balanced.Order(), roles.Where(r => r.Role == "serve").Select(r => r.Name).Order());
        Assert.Contains(roles, r => r.Role == "work");
        Assert.DoesNotContain(roles, r => r.Role is not ("serve" or "work"));
    }

    [Fact]
    public void TheChartRunsServingReplicasAndAWorkerDeployment()
    {
        var deployments = Templates().SelectMany(t => Load(Render(File.ReadAllText(t))))
            .Where(d => d.Children.TryGetValue("kind", out var kind) && kind.ToString() == "Deployment").ToList();
        var roles = deployments.Select(d => (Name: d["metadata"]["name"].ToString(), Role: d.AllNodes.OfType<YamlMappingNode>()
                .Where(m => m.Children.TryGetValue("name", out var n) && n.ToString() == "Instance__Role").Select(m => m["value"].ToString()).SingleOrDefault()))
            .ToList();
        Assert.Contains(roles, r => r.Role == "work");
        Assert.Contains(roles, r => r.Role == "serve");
        // The Ingress sends AuthApi's traffic to the serving replicas' Service only.
        var ingress = Templates().SelectMany(t => Load(Render(File.ReadAllText(t)))).Single(d => d["kind"].ToString() == "Ingress");
        var backends = ingress.AllNodes.OfType<YamlMappingNode>().Where(m => m.Children.ContainsKey("service")).Select(m => m["service"]["name"].ToString()).ToList();
        Assert.DoesNotContain(backends, b => b.Contains("worker", StringComparison.Ordinal));
        Assert.Contains(roles, r => r.Role == "serve" && !r.Name.Contains("worker", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*server\s+api\d+\s+(?<host>[\w-]+):8080", RegexOptions.Multiline)]
    private static partial Regex BalancedServer();
}
