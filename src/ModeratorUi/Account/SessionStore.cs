using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Moderation.Contracts.Tokens;
using Moderation.ModeratorUi.Data;

namespace Moderation.ModeratorUi.Account;

/// <summary>
/// The cookie handler's session store (<see cref="CookieAuthenticationOptions.SessionStore"/>): sessions live in
/// <c>moderator_ui.sessions</c>, every replica reads them there on every request (no per-replica copy), so signing out on
/// one replica ends the session on all of them at once.
/// </summary>
public sealed class SessionStore(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock) : ITicketStore
{
    /// <summary>How long a session lasts when the sign-in says nothing (it says 8 h: <see cref="LoginSetup"/>).</summary>
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);

    private readonly IDataProtector _protector = protection.CreateProtector("Moderation.ModeratorUi.Sessions");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var now = clock.GetUtcNow();
        var session = new UiSession
        {
            Id = Base64Url.Encode(RandomNumberGenerator.GetBytes(32)),
            UserId = ticket.Principal.FindFirst("sub")?.Value ?? ticket.Principal.Identity?.Name ?? "",
            Ticket = Protect(ticket),
            CreatedAt = now,
            ExpiresAt = ExpiresAt(ticket, now),
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UiDb>();
        // Sessions nobody signed out of end here, a little at a time.
        await db.Sessions.Where(s => s.ExpiresAt < now).OrderBy(s => s.ExpiresAt).Take(100).ExecuteDeleteAsync();
        db.Sessions.Add(session);
        await db.SaveChangesAsync();
        return session.Id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        var (protectedTicket, expiresAt) = (Protect(ticket), ExpiresAt(ticket, clock.GetUtcNow()));
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UiDb>().Sessions.Where(s => s.Id == key)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Ticket, protectedTicket).SetProperty(x => x.ExpiresAt, expiresAt));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = clock.GetUtcNow();
        var ticket = await scope.ServiceProvider.GetRequiredService<UiDb>().Sessions.AsNoTracking()
            .Where(s => s.Id == key && s.ExpiresAt > now).Select(s => s.Ticket).FirstOrDefaultAsync();
        if (ticket is null)
        {
            return null;
        }
        try
        {
            return TicketSerializer.Default.Deserialize(_protector.Unprotect(ticket));
        }
        catch (CryptographicException)
        {
            return null; // a key the key ring no longer has: signed out
        }
    }

    public async Task RemoveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UiDb>().Sessions.Where(s => s.Id == key).ExecuteDeleteAsync();
    }

    private byte[] Protect(AuthenticationTicket ticket) => _protector.Protect(TicketSerializer.Default.Serialize(ticket));

    private static DateTimeOffset ExpiresAt(AuthenticationTicket ticket, DateTimeOffset now) => ticket.Properties.ExpiresUtc ?? now + DefaultLifetime;
}
