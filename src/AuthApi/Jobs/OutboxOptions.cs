using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Jobs;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>
    /// How often each instance looks for jobs whose action committed but whose process died before handing them over, and
    /// how old such a row must be (younger ones are being handed over by their own process): a left-over job is handed
    /// over between once and twice this after its commit.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SweepSeconds { get; set; } = 5;
}
