using Microsoft.AspNetCore.WebUtilities;
using Moderation.Contracts.Moderation;

namespace Moderation.ModeratorUi.Lists;

/// <summary>Paging both ways with totals, for lists the API pages and for the few it answers whole (paged here).</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;

    /// <summary>A page of a list the API answered whole (bans, peers, join requests, rollbacks).</summary>
    public static Paged<T> Slice<T>(IReadOnlyList<T> all, int page, int pageSize = DefaultPageSize)
    {
        var last = Math.Max(1, (all.Count + pageSize - 1) / pageSize);
        page = Math.Clamp(page, 1, last);
        return new Paged<T>(all.Skip((page - 1) * pageSize).Take(pageSize).ToList(), page, pageSize, all.Count);
    }

    public static int LastPage<T>(this Paged<T> paged) => Math.Max(1, (paged.Total + paged.PageSize - 1) / Math.Max(1, paged.PageSize));

    /// <summary>"51–100 of 265" (or "none").</summary>
    public static string Range<T>(this Paged<T> paged, string noun) =>
        paged.Total == 0
            ? $"No {noun}"
            : $"{(paged.Page - 1) * paged.PageSize + 1}–{(paged.Page - 1) * paged.PageSize + paged.Items.Count} of {paged.Total} {noun}";

    /// <summary>The current address with one query parameter replaced (or removed when <paramref name="value"/> is null).</summary>
    public static string With(HttpRequest request, string name, string? value)
    {
        var query = request.Query.Where(q => !string.Equals(q.Key, name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))).ToList();
        if (value is not null)
        {
            query.Add(new(name, value));
        }
        return QueryHelpers.AddQueryString(request.Path, query);
    }

    /// <summary>A page number from the query, at least 1, and small enough that no offset overflows.</summary>
    public static int Clamp(int page) => Math.Clamp(page, 1, 1_000_000);
}
