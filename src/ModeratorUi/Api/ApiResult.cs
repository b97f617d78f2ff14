using Moderation.Contracts.Client;

namespace Moderation.ModeratorUi.Api;

/// <summary>What the API answered: a value, or the problem to show the user.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}
