using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>A report ready to store: the peer key already reduced to its fingerprint, the time in UTC.</summary>
public readonly record struct NewReport(
    string PeerKeyFingerprint, long Step, long Samples, double SamplesPerSecond, int MiniSteps, double? Loss, DateTimeOffset Time);
