namespace Moderation.ModeratorUi;

/// <summary>Addresses of the console's own pages, with each name percent-encoded.</summary>
public static class ConsoleLinks
{
    public static string Experiment(string org, string model, string? page = null) =>
        $"/experiments/{Uri.EscapeDataString(org)}/{Uri.EscapeDataString(model)}" + (string.IsNullOrEmpty(page) ? "" : "/" + page);
}
