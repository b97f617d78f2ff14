using Moderation.Contracts.Moderation;

namespace Moderation.ModeratorUi.Lists;

public static class PagerViews
{
    public static PagerView Pager<T>(this Paged<T> paged, string noun, string label = "Pages") =>
        new(paged.Page, paged.LastPage(), paged.Range(noun), label);
}
