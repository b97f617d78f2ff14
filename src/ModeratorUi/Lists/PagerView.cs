namespace Moderation.ModeratorUi.Lists;

/// <summary>What the pager shows: where we are, how many there are, and the query parameter that holds the page.</summary>
public sealed record PagerView(int Page, int LastPage, string Summary, string Label, string Param = "p");
