using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Replicas;

/// <summary>
/// Reference-compatible joins with fresh peer keys (so every join signs and writes a token) from a few concurrent
/// clients through the balancer, until stopped, taking turns among <paramref name="userTokens"/> (each user's live peer
/// keys are capped per experiment). Records every answer. With <paramref name="splitBodies"/>, each body arrives in two
/// parts a moment apart, as over a real network, so the balancer may pass a request on before it has all of it.
/// </summary>
public sealed class JoinLoad(string baseUrl, string model, IReadOnlyList<string> userTokens, int clients = 6, bool splitBodies = false)
{
    private int _turn;

    private readonly List<Answer> _answers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    public sealed record Answer(DateTimeOffset Finished, TimeSpan Took, int Status, bool RetryAfter, string? Signature);

    public void Start() => _running = Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync)));

    public async Task<List<Answer>> StopAsync()
    {
        await _stop.CancelAsync();
        await _running!;
        lock (_answers)
        {
            return [.. _answers];
        }
    }

    private async Task ClientAsync()
    {
        // No client-side wait longer than this: a hang shows up as a 0 status taking 15 s.
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(15) };
        while (!_stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            Answer answer;
            try
            {
                var input = new { experiment_join_input = new { peer_public_key = PeerKeys.New() } };
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/experiments/join?organization_name=demo-org&model_name={model}")
                {
                    Content = splitBodies ? new SplitJsonContent(JsonSerializer.Serialize(input)) : JsonContent.Create(input),
                };
                request.Headers.Add("Authorization", "Bearer " + userTokens[(Interlocked.Increment(ref _turn) & int.MaxValue) % userTokens.Count]);
                using var response = await http.SendAsync(request);
                string? signature = null;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    signature = body.RootElement.GetProperty("hivemind_access").GetProperty("signature").GetString();
                }
                answer = new Answer(DateTimeOffset.UtcNow, clock.Elapsed, (int)response.StatusCode, response.Headers.RetryAfter is not null, signature);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                answer = new Answer(DateTimeOffset.UtcNow, clock.Elapsed, 0, false, null);
            }
            lock (_answers)
            {
                _answers.Add(answer);
            }
            if (answer.Status == 503)
            {
                // As a client told to come back would, if more eagerly than Retry-After says (the recovery is timed to 50 ms).
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A JSON body written in two parts 20 ms apart: the headers and its first byte, then the rest.</summary>
    private sealed class SplitJsonContent : HttpContent
    {
        private readonly byte[] _json;

        public SplitJsonContent(string json)
        {
            _json = System.Text.Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_json.AsMemory(0, 1));
            await stream.FlushAsync();
            await Task.Delay(20);
            await stream.WriteAsync(_json.AsMemory(1));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _json.Length;
            return true;
        }
    }

    /// <summary>Adds <paramref name="count"/> users to the Hub emulator at <paramref name="hubUrl"/>; returns their tokens.</summary>
    public static async Task<IReadOnlyList<string>> AddUsersAsync(string hubUrl, int count)
    {
        using var hub = new HttpClient { BaseAddress = new Uri(hubUrl) };
        var tokens = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid().ToString("N")[..24];
            var name = $"load-{id[..8]}";
            (await hub.PostAsJsonAsync("/_emulator/users", new { id, name, fullname = name, emailVerified = true, isPro = false, orgs = Array.Empty<object>() }))
                .EnsureSuccessStatusCode();
            tokens.Add("hf_dev_" + name);
        }
        return tokens;
    }
}
