using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Join;

/// <summary>Anything but a canonical 2048–4096-bit OpenSSH RSA key is a 4xx naming the problem, and is never signed.</summary>
public sealed class PeerKeyValidationTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    public static TheoryData<string, string> BadKeys()
    {
        var good = PeerKeys.New();
        var blob = Convert.FromBase64String(good.Split(' ')[1]);
        using var small = RSA.Create(1024);
        return new TheoryData<string, string>
        {
            { "", "missing" },
            { "not a key", "OpenSSH RSA public key" },
            { good + " alice@laptop", "OpenSSH RSA public key" },
            { " " + good, "OpenSSH RSA public key" },
            { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", "OpenSSH RSA public key" },
            { "ssh-rsa !!!notbase64", "base64" },
            { "ssh-rsa " + Convert.ToBase64String([.. blob, 0, 0, 0, 0]), "trailing data" },
            { "ssh-rsa " + Convert.ToBase64String(blob[..100]), "truncated" },
            { "ssh-rsa " + Convert.ToBase64String(Encoding.ASCII.GetBytes("\0\0\0\u0007ssh-dss")), "not ssh-rsa" },
            { OpenSshRsaKey.Format(small.ExportParameters(false)), "1024-bit" },
            { "ssh-rsa " + new string('A', 2000), "longer than" },
        };
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task BadPeerKeyIsRefusedOnBothJoinsAndNothingIsSigned(string key, string problemMentions)
    {
        var experiment = await api.CreateExperimentAsync();

        var native = await api.ClientFor("bob").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new JoinInput(key));
        var problem = await native.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("peer_public_key", out _), problem.ToString());
        Assert.Contains(problemMentions, problem.Detail(), StringComparison.Ordinal);

        var reference = await api.ClientFor("bob").PutAsJsonAsync($"/api/experiments/join?organization_name=demo-org&model_name={experiment.ModelName}",
            new { experiment_join_input = new { peer_public_key = key } });
        Assert.Contains((await reference.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).FastApiErrors(),
            e => e.Loc == "body.experiment_join_input.peer_public_key" && e.Msg.Contains(problemMentions, StringComparison.Ordinal));
        Assert.Equal(0, await api.IssuedTokenCountAsync(experiment));
    }

    [Fact]
    public async Task FourThousandNinetySixBitKeysAreAccepted()
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("bob").PostWireAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", new JoinInput(PeerKeys.New(4096)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"peer_public_key":null}""")]
    [InlineData("""{"peer_public_key":42}""")]
    [InlineData("not json")]
    public async Task MissingOrMistypedFieldsAre400(string body)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("bob").PostRawAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", body);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await api.IssuedTokenCountAsync(experiment));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"experiment_join_input":{}}""")]
    public async Task ReferenceJoinWithoutAKeyIs422(string body)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("bob").PutAsync($"/api/experiments/join?organization_name=demo-org&model_name={experiment.ModelName}",
            new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        var noQuery = await api.ClientFor("bob").PutAsync("/api/experiments/join",
            JsonContent.Create(new { experiment_join_input = new { peer_public_key = PeerKeys.New() } }));
        await noQuery.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task OversizedJoinBodyIsRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var huge = $$"""{"peer_public_key":"ssh-rsa {{new string('A', 2 * 1024 * 1024)}}"}""";
        var response = await api.ClientFor("bob").PostRawAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/join", huge);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await api.IssuedTokenCountAsync(experiment));
    }
}
