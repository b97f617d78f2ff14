using Microsoft.AspNetCore.Hosting;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// AuthApi with the Hub checkpoint store (rollbacks move branches on the emulated Hub), for tests where an instance
/// dies mid-way and a second one, sharing its database and Hub, takes over (<see cref="Next"/>). A fixture that needs
/// more settings passes them to the constructor; the next instance gets the same.
/// </summary>
public class HubStoreFactory : AuthApiFactory
{
    private readonly (string Key, string Value)[] _settings;

    public HubStoreFactory(params (string Key, string Value)[] settings) => _settings = settings;

    private HubStoreFactory(AuthApiFactory sharedWith, (string Key, string Value)[] settings) : base(sharedWith) => _settings = settings;

    /// <summary>A second instance on this one's database and Hub, with the same settings and <paramref name="more"/>.</summary>
    public HubStoreFactory Next(params (string Key, string Value)[] more) => new(this, [.. _settings, .. more]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Checkpoints:Store", "hub");
        builder.UseSetting("Checkpoints:HubToken", "hf_dev_alice");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
