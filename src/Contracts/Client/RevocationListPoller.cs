using System.Net;
using System.Net.Http.Headers;
using Moderation.Contracts.Tokens;

namespace Moderation.Contracts.Client;

/// <summary>
/// Keeps a <see cref="PeerTokenVerifier"/>'s revocation list fresh: polls the experiment's list with If-None-Match,
/// verifies each new list's signature, and never goes back to an older version. A failed poll keeps the last list.
/// </summary>
public sealed class RevocationListPoller(
    HttpClient http, string org, string model, ExperimentKeySet keys, PeerTokenVerifier verifier) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private EntityTagHeaderValue? _etag;
    private Task? _loop;

    /// <summary>Why the last poll failed, if it did.</summary>
    public string? LastError { get; private set; }

    /// <summary>Fetches the list once. Returns true when a newer list was installed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/v1/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}/revocations");
        if (_etag is not null)
        {
            request.Headers.IfNoneMatch.Add(_etag);
        }
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            LastError = null;
            return false;
        }
        if (!response.IsSuccessStatusCode)
        {
            LastError = $"The revocation list answered {(int)response.StatusCode}.";
            return false;
        }
        var (list, error) = await RevocationList.VerifyAsync(await response.Content.ReadAsStringAsync(ct), keys, $"{org}/{model}");
        if (list is null)
        {
            LastError = error;
            return false;
        }
        LastError = null;
        _etag = response.Headers.ETag;
        if (verifier.Revocations is { } current && current.Version > list.Version)
        {
            return false;
        }
        verifier.Revocations = list;
        return true;
    }

    /// <summary>Polls every <paramref name="interval"/> until disposed.</summary>
    public void Start(TimeSpan interval) => _loop ??= Task.Run(async () =>
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                await RefreshAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
            {
                LastError = ex.Message;
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
    });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }
        _stop.Dispose();
    }
}
