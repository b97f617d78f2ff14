using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Json;

namespace Moderation.AuthApi.Audit;

/// <summary>What an owner, moderator or admin did: recorded by <see cref="AuditLog.AppendAsync"/>.</summary>
public sealed record AuditRecord(
    Experiment? Experiment, string Actor, string Action, string Target, string? Reason = null, object? Before = null, object? After = null);
