using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.Rollbacks;

public sealed class CheckpointStoreOptions
{
    public const string Section = "Checkpoints";

    /// <summary><c>registry</c> (default: rollbacks change only this database) or <c>hub</c> (also move a branch on the Hub).</summary>
    [RegularExpression("^(registry|hub)$")]
    public string Store { get; set; } = "registry";

    /// <summary>The Hub branch a rollback moves to the target revision.</summary>
    public string Branch { get; set; } = "stable";

    /// <summary>An HF token with write access to the checkpoint repositories (for the hub store).</summary>
    public string? HubToken { get; set; }

    /// <summary>Pauses between attempts to apply a rollback to the store (attempts = pauses + 1); default 2 s, 10 s, 30 s.</summary>
    public int[]? RetryDelaysMilliseconds { get; set; }

    public int[] RetryDelays => RetryDelaysMilliseconds is { Length: > 0 } delays ? delays : [2_000, 10_000, 30_000];
}

/// <summary>Where checkpoints live outside this service; a rollback applies its target there.</summary>
public interface ICheckpointStore
{
    Task ApplyAsync(Checkpoint target, CancellationToken ct);
}

/// <summary>Changes nothing outside the database (the default for local runs).</summary>
public sealed class RegistryOnlyCheckpointStore : ICheckpointStore
{
    public Task ApplyAsync(Checkpoint target, CancellationToken ct) => Task.CompletedTask;
}

public sealed class CheckpointStoreException(string message) : Exception(message);

/// <summary>
/// Points a branch of the checkpoint's Hub repository (e.g. <c>stable</c>) at the target revision, as
/// <c>huggingface_hub.create_branch(repo_id, branch, revision)</c> does; an existing branch is deleted first, so
/// applying the same rollback twice leaves the same result.
/// </summary>
public sealed class HubBranchCheckpointStore(IHttpClientFactory httpClients, IOptions<CheckpointStoreOptions> options) : ICheckpointStore
{
    public async Task ApplyAsync(Checkpoint target, CancellationToken ct)
    {
        var settings = options.Value;
        var client = httpClients.CreateClient(HubClientSetup.StoreClient);
        try
        {
            await MoveBranchAsync(client, settings, target, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException or TimeoutException
                                   || ex is OperationCanceledException && !ct.IsCancellationRequested)
        {
            // Unreachable, too slow, or refused at once by the open circuit breaker.
            throw new CheckpointStoreException($"The Hub could not be reached to move branch '{settings.Branch}' of {target.Repository}: {ex.Message}");
        }
    }

    private static async Task MoveBranchAsync(HttpClient client, CheckpointStoreOptions settings, Checkpoint target, CancellationToken ct)
    {
        var path = $"api/models/{target.Repository}/branch/{Uri.EscapeDataString(settings.Branch)}";

        using var delete = new HttpRequestMessage(HttpMethod.Delete, path);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.HubToken);
        using (var deleted = await client.SendAsync(delete, ct))
        {
            if (!deleted.IsSuccessStatusCode && deleted.StatusCode != HttpStatusCode.NotFound)
            {
                throw new CheckpointStoreException($"The Hub answered {(int)deleted.StatusCode} when removing branch '{settings.Branch}' of {target.Repository}.");
            }
        }
        using var create = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { startingPoint = target.Revision }) };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.HubToken);
        using var created = await client.SendAsync(create, ct);
        if (!created.IsSuccessStatusCode)
        {
            throw new CheckpointStoreException($"The Hub answered {(int)created.StatusCode} when creating branch '{settings.Branch}' of {target.Repository} at {target.Revision}.");
        }
    }
}
