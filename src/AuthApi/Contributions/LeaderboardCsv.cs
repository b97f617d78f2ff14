using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Contributions;

/// <summary>The CSV form of leaderboard rows: the JSON fields, in the same order, flags joined by ';'.</summary>
public static class LeaderboardCsv
{
    public const string Header = "rank,username,peer_key_fingerprint,credited_samples,claimed_samples,rolled_back_samples,active_hours,steps,last_seen,flags";

    public static string Line(LeaderboardEntryResponse e) => string.Join(',',
        e.Rank?.ToString(CultureInfo.InvariantCulture) ?? "",
        Cell(e.Username),
        Cell(e.PeerKeyFingerprint),
        e.CreditedSamples.ToString(CultureInfo.InvariantCulture),
        e.ClaimedSamples.ToString(CultureInfo.InvariantCulture),
        e.RolledBackSamples.ToString(CultureInfo.InvariantCulture),
        e.ActiveHours.ToString(CultureInfo.InvariantCulture),
        e.Steps.ToString(CultureInfo.InvariantCulture),
        e.LastSeen.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        Cell(string.Join(';', e.Flags)));

    /// <summary>
    /// A text cell a spreadsheet will not run: one starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage
    /// return gets a leading <c>'</c> (OWASP's CSV injection advice). Fingerprints may start with '-'.
    /// </summary>
    public static string Cell(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;
}
