using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Json;

namespace Moderation.AuthApi.Experiments;

/// <summary>A change to an experiment; null fields keep their value. The native and the reference API both describe theirs so.</summary>
public sealed record ExperimentChange(
    string? OrganizationName = null,
    string? ModelName = null,
    string? CoordinatorIp = null,
    int? CoordinatorPort = null,
    AccessPolicy? AccessPolicy = null,
    int? TokenLifetimeMinutes = null,
    bool? LeaderboardVisible = null,
    IReadOnlyList<string>? AllowedCheckpointRepositories = null,
    int? MaxPeerKeysPerUser = null,
    IReadOnlyList<string>? InitialPeers = null,
    string? TrainingScriptUrl = null);
