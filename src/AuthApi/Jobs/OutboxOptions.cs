using Microsoft.Extensions.Options;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Jobs;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How often each instance looks for jobs whose action committed but whose process died before handing them over.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int SweepSeconds { get; set; } = 10;
}
