using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// The whole system on real loopback ports, as a person meets it: the Hub emulator, AuthApi and ModeratorUi on Kestrel,
/// and headless Chromium (the machine's, at /usr/bin/chromium or CHROMIUM_PATH) driven by Playwright.
/// </summary>
public sealed class LiveSystem : IAsyncLifetime
{
    public const string Collection = "browser";

    private readonly KestrelAuthApiFactory _api;
    private ModeratorUiFactory? _ui;
    private IPlaywright? _playwright;

    public AuthApiFactory Api => _api;
    public string ApiUrl { get; private set; } = "";
    public string UiUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;

    // AuthApi starts first (the console needs its address); its "Join this run" links read the console's address late.
    public LiveSystem() => _api = new KestrelAuthApiFactory(() => UiUrl);

    public async Task InitializeAsync()
    {
        await _api.InitializeAsync();
        _api.StartServer();
        ApiUrl = _api.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        _ui = new ModeratorUiFactory(_api, ApiUrl, kestrel: true).Start();
        UiUrl = _ui.ClientOptions.BaseAddress.ToString().TrimEnd('/');

        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (its own cookies), as if a different person opened the site.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = UiUrl });
        // Generous: the first page of a cold app on a loaded two-core machine can take seconds.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>A fresh browser context signed in to ModeratorUi as <paramref name="user"/> through the emulator's sign-in page.</summary>
    public async Task<IPage> SignedInPageAsync(string user)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/account/signin");
        await page.GetByRole(AriaRole.Button, new() { Name = user, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-in-as")).ToHaveTextAsync(user);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_ui is not null)
        {
            await _ui.DisposeAsync();
        }
        await ((IAsyncLifetime)_api).DisposeAsync();
    }

    private sealed class KestrelAuthApiFactory : AuthApiFactory
    {
        private readonly Func<string> _uiUrl;

        public KestrelAuthApiFactory(Func<string> uiUrl)
        {
            _uiUrl = uiUrl;
            UseKestrel(0);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
                services.PostConfigure<Moderation.AuthApi.Pages.PublicPagesOptions>(o => o.ModeratorUiUrl ??= _uiUrl() is { Length: > 0 } url ? url : null));
        }
    }
}

/// <summary>
/// Every browser test class shares one running system (one start-up of the Hub emulator, AuthApi, ModeratorUi and
/// Chromium instead of one per class); tests create their own experiments and users, so they do not meet.
/// </summary>
[CollectionDefinition(LiveSystem.Collection)]
public sealed class BrowserTestGroup : ICollectionFixture<LiveSystem>;
