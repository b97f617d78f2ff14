using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Moderation.ModeratorUi.Account;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Data;
using Moderation.ModeratorUi.Imports;
using Moderation.ModeratorUi.Jobs;
using Moderation.ServiceDefaults;
using Moderation.ModeratorUi.Security;

namespace Moderation.ModeratorUi;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.Services.AddUiDatabase();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddScoped<ImportReports>();
        // One key ring for every replica, in PostgreSQL, encrypted with the configured certificate.
        builder.Services.AddDataProtection().SetApplicationName("Moderation.ModeratorUi").PersistKeysToDbContext<UiDb>()
            .ProtectKeysAsConfigured(builder.Configuration);
        builder.Services.AddHuggingFaceLogin();
        builder.Services.AddOptions<AuthApiOptions>().BindConfiguration(AuthApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient<AuthApiClient>((sp, client) =>
        {
            client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AuthApiOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
            client.Timeout = Timeout.InfiniteTimeSpan; // each call has its own limit (AuthApiClient.DefaultTimeout)
        });
        builder.Services.AddJobsDashboard();
        builder.Services.AddMemoryCache();
        builder.Services.AddScoped<GlobalAdmins>();
        builder.Services.AddAuthorization(GlobalAdmins.AddPolicy);
        builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/Experiments"));

        var app = builder.Build();

        if (!await app.Services.PrepareUiSchemaAsync(args))
        {
            return; // `migrate`: the key ring's schema is up to date, nothing is served
        }
        app.UseServiceDefaults();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapServiceDefaults();
        app.MapAccount();
        app.MapRazorPages();
        app.MapJobsDashboard();

        await app.RunAsync();
    }
}
