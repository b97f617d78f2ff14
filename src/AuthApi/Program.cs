using FluentValidation;
using Microsoft.AspNetCore.DataProtection;
using Moderation.AuthApi.Allowlist;
using Moderation.AuthApi.Audit;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Bans;
using Moderation.AuthApi.Checkpoints;
using Moderation.AuthApi.Contributions;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.InitialPeers;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Jobs;
using Moderation.AuthApi.Join;
using Moderation.AuthApi.JoinRequests;
using Moderation.AuthApi.Keys;
using Moderation.AuthApi.Pages;
using Moderation.AuthApi.Peers;
using Moderation.AuthApi.Revocations;
using Moderation.AuthApi.Rollbacks;
using Moderation.AuthApi.ServiceKeys;
using Moderation.AuthApi.Telemetry;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Json;
using Moderation.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
// A serving replica, a worker, or both (Jobs/InstanceOptions).
var role = InstanceOptions.RoleOf(builder.Configuration);

builder.AddServiceDefaults();

builder.Services.ConfigureHttpJsonOptions(o => WireJson.ConfigureForRequests(o.SerializerOptions));
builder.Services.AddModerationProblemDetails();
// Singletons: the validators hold no state but their rules; built per request (expression trees) they showed up in a
// re-join's profile.
builder.Services.AddValidatorsFromAssemblyContaining<CreateExperimentRequestValidator>(ServiceLifetime.Singleton);
FluentValidation.ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : WireJson.FieldName(member.Name);
FluentValidation.ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : WireJson.FieldName(member.Name);

builder.Services.AddModerationDatabase();
builder.Services.AddDataProtection().SetApplicationName("Moderation").PersistKeysToDbContext<ModerationDb>().ProtectKeysAsConfigured(builder.Configuration);
builder.Services.AddModerationJobs(role);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ModerationMetrics>();
builder.Services.AddHuggingFaceIdentity();
builder.Services.AddAudit();
builder.Services.AddExperiments();
builder.Services.AddJoinRequests();
builder.Services.AddAllowlist();
builder.Services.AddBans();
builder.Services.AddPeers();
builder.Services.AddRevocations();
builder.Services.AddPeerTokens();
builder.Services.AddCheckpointStore();
builder.Services.AddContributions();
builder.Services.AddModerationRateLimits();
builder.Services.AddOutputCache();
builder.Services.AddOpenApi(o => o.AddSchemaTransformer<ValidationSchemaTransformer>().AddIntroduction());
builder.Services.AddPublicPages();
builder.LimitRequestBodies();

var app = builder.Build();

if (!await app.Services.PrepareSchemaAsync(args, role))
{
    return; // `migrate`: the schema is up to date, nothing is served
}

app.UseServiceDefaults();
if (!role.Serves())
{
    // A worker: its jobs run in hosted services; over HTTP only its health and metrics, for probes and scrapes.
    app.MapServiceDefaults();
    app.Run();
    return;
}
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestTargetGuard();
app.UsePublicPages();
app.UseBodySizeLimit();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseOutputCache();

app.MapOpenApi().ForAnyone();
app.MapApiReference();
// Health checks and /metrics: anyone (metrics are restricted by port or network in production), never rate limited.
app.MapServiceDefaults(endpoint => endpoint.ForAnyone().DisableRateLimiting());
app.MapMe();
app.MapExperiments();
app.MapGrants();
app.MapReferenceExperiments();
app.MapJoin();
app.MapReferenceJoin();
app.MapKeys();
app.MapIntrospection();
app.MapBans();
app.MapAllowlist();
app.MapJoinRequests();
app.MapPeers();
app.MapAudit();
app.MapRevocations();
app.MapServiceKeys();
app.MapInitialPeers();
app.MapCheckpoints();
app.MapRollbacks();
app.MapContributions();
app.MapLeaderboards();
app.MapAvatars();
app.MapPublicPages();

app.Run();

public partial class Program;
