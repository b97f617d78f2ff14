using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Data;
using Moderation.Contracts.Json;

namespace Moderation.AuthApi.Audit;

/// <summary>The result of recomputing the whole chain.</summary>
public sealed record AuditVerification(bool Valid, long EntriesChecked, long? FirstBrokenId, string? Problem);
