using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Checkpoints;

/// <summary>The signed "current checkpoint" of an experiment, and its ETag.</summary>
public sealed record CurrentCheckpointDocument(string Jws, string ETag);
