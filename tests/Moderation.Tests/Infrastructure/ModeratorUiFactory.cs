using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Moderation.ModeratorUi;

namespace Moderation.Tests.Infrastructure;

/// <summary>ModeratorUi in-process against <paramref name="api"/>'s Hub emulator, AuthApi and database (its key ring lives there, as deployed).</summary>
public sealed class ModeratorUiFactory(AuthApiFactory api, string apiUrl, bool kestrel = false, Action<IWebHostBuilder>? configure = null)
    : WebApplicationFactory<UiAssembly>
{
    public ModeratorUiFactory Start()
    {
        if (kestrel)
        {
            UseKestrel(0);
            StartServer();
        }
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Moderation", api.ConnectionString);
        builder.UseSetting("HuggingFace:BaseUrl", api.Hub.BaseUrl);
        builder.UseSetting("HuggingFace:ClientId", "moderation-ui");
        builder.UseSetting("HuggingFace:ClientSecret", "moderation-ui-dev-secret");
        builder.UseSetting("HuggingFace:RequireHttpsMetadata", "false");
        builder.UseSetting("AuthApi:BaseUrl", apiUrl);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting(TestHostLog.ConsoleOff, "None");
        builder.ConfigureLogging(logging => logging.AddProvider(new TestHostLog("moderatorui")));
        configure?.Invoke(builder);
    }
}
