using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>
/// Points a branch of the checkpoint's Hub repository (e.g. <c>stable</c>) at the target revision in one call that
/// creates it or moves it (<c>overwrite</c>), so a failure never leaves the branch missing. Before that it checks again
/// that the repository is allowed for the experiment and that the revision exists in it. Applying the same rollback
/// twice leaves the same result.
/// </summary>
public sealed class HubBranchCheckpointStore(IHttpClientFactory httpClients, IOptions<CheckpointStoreOptions> options) : ICheckpointStore
{
    public async Task ApplyAsync(Experiment experiment, Checkpoint target, CancellationToken ct)
    {
        if (!CheckpointRepositories.IsAllowed(experiment, target.Repository))
        {
            throw new CheckpointStoreException(CheckpointRepositories.Refusal(experiment, target.Repository), permanent: true);
        }
        var settings = options.Value;
        var client = httpClients.CreateClient(HfIdentityResolver.HttpClientName);
        var repository = $"api/models/{target.Repository}";

        using (var revision = await SendAsync(client, HttpMethod.Get, $"{repository}/revision/{target.Revision}", null, ct))
        {
            if (revision.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new CheckpointStoreException(
                    $"The Hub has no revision {target.Revision} in {target.Repository} (it answered {(int)revision.StatusCode}); the branch was left as it was.",
                    permanent: true);
            }
            if (!revision.IsSuccessStatusCode)
            {
                throw new CheckpointStoreException($"The Hub answered {(int)revision.StatusCode} when asked for revision {target.Revision} of {target.Repository}.");
            }
        }
        var body = JsonContent.Create(new { startingPoint = target.Revision, overwrite = true });
        using var moved = await SendAsync(client, HttpMethod.Post, $"{repository}/branch/{Uri.EscapeDataString(settings.Branch)}", body, ct);
        if (!moved.IsSuccessStatusCode)
        {
            throw new CheckpointStoreException(
                $"The Hub answered {(int)moved.StatusCode} when pointing branch '{settings.Branch}' of {target.Repository} at {target.Revision}.");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.HubToken);
        return await client.SendAsync(request, ct);
    }
}
