using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Npgsql;
using NpgsqlTypes;

namespace Moderation.AuthApi.Contributions;

/// <summary>A report ready to store, with the user (HF id) it is credited to (null: unattributed).</summary>
public readonly record struct AttributedReport(NewReport Report, string? UserId);
