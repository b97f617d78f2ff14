using Microsoft.Extensions.Options;
using Moderation.ModeratorUi.Account;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Security;

namespace Moderation.ModeratorUi;

public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        builder.Services.AddHuggingFaceLogin();
        builder.Services.AddOptions<AuthApiOptions>().BindConfiguration(AuthApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient<AuthApiClient>((sp, client) =>
        {
            client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AuthApiOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
            client.Timeout = TimeSpan.FromSeconds(15);
        });
        builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/Experiments"));

        var app = builder.Build();

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
        }
        app.UseSecurityHeaders();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAccount();
        app.MapRazorPages();

        app.Run();
    }
}
