using Microsoft.AspNetCore.Http.HttpResults;

namespace Moderation.AuthApi.Infrastructure;

/// <summary>The one check of <c>page</c>/<c>page_size</c>: within bounds, and a page whose first item is out of reach is refused rather than wrapped.</summary>
public static class Paging
{
    /// <summary>No list has more items than this; a page starting beyond it cannot hold anything.</summary>
    public const int MaxOffset = int.MaxValue;

    public static ProblemHttpResult? Check(int page, int pageSize, int maxPageSize)
    {
        if (page < 1)
        {
            return Problems.BadRequest("'page' must be 1 or more.");
        }
        if (pageSize < 1 || pageSize > maxPageSize)
        {
            return Problems.BadRequest($"'page_size' must be from 1 to {maxPageSize}.");
        }
        return (long)(page - 1) * pageSize > MaxOffset
            ? Problems.BadRequest($"'page' is too large: with page_size {pageSize}, pages go up to {MaxOffset / pageSize + 1}.")
            : null;
    }

    /// <summary>The number of items before <paramref name="page"/> (after <see cref="Check"/>).</summary>
    public static int Offset(int page, int pageSize) => (page - 1) * pageSize;
}
