using System.Net;
using Moderation.Contracts.Checkpoints;

namespace Moderation.Tests.Infrastructure;

public static class CheckpointSetup
{
    /// <summary>A Hub commit id (40 hex characters) standing for checkpoint <paramref name="n"/>.</summary>
    public static string Revision(int n) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(n)))[..40];

    /// <summary>A new experiment of demo-org with a checkpoint registered at each step; answers its model name and the checkpoint ids.</summary>
    public static async Task<(string Name, Dictionary<int, long> Ids)> ExperimentWithCheckpointsAsync(this AuthApiFactory api, params int[] steps)
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        var ids = new Dictionary<int, long>();
        foreach (var step in steps)
        {
            // The commit exists on the (emulated) Hub, as an auxiliary peer's upload would have made it.
            api.Hub.State.AddRevision($"demo-org/{experiment.ModelName}", Revision(step));
            var checkpoint = await (await api.ClientWithToken(key.Secret).PostWireAsync($"{url}/checkpoints",
                    new RegisterCheckpointRequest(step, $"demo-org/{experiment.ModelName}", Revision(step), 1.0, DateTimeOffset.UtcNow.AddMinutes(-5))))
                .ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
            ids[step] = checkpoint.Id;
        }
        return (experiment.ModelName, ids);
    }

    /// <summary>
    /// Polls a rollback of demo-org/<paramref name="name"/> until it has succeeded or failed (90 s at most); a 503 (the
    /// database was restarting) is asked again, as a client would.
    /// </summary>
    public static async Task<RollbackResponse> WaitForRollbackAsync(this AuthApiFactory api, string name, long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var response = await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{name}/rollbacks/{id}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                continue;
            }
            var rollback = await response.ReadAsync<RollbackResponse>();
            if (rollback.Status is "succeeded" or "failed" || DateTime.UtcNow > deadline)
            {
                return rollback;
            }
            await Task.Delay(200);
        }
    }
}
