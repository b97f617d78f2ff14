using Moderation.Contracts.Client;

namespace Moderation.ModeratorUi.Api;

/// <summary>What the API answered: a value (and its status: 201 made something, 200 found it already there), or the problem to show the user.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem, int Status = 0)
{
    public bool Ok => Problem is null;

    /// <summary>The API answered 201 Created: the action made something new (a 200 for the same call means it was already there).</summary>
    public bool Created => Status == StatusCodes.Status201Created;
}
