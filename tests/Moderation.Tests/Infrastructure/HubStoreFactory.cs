using Microsoft.AspNetCore.Hosting;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// AuthApi with the Hub checkpoint store (rollbacks move branches on the emulated Hub), for tests where an instance
/// dies mid-way and a second one, sharing its database and Hub, takes over (<see cref="Next"/>).
/// </summary>
public class HubStoreFactory : AuthApiFactory
{
    public HubStoreFactory()
    {
    }

    protected HubStoreFactory(AuthApiFactory sharedWith) : base(sharedWith)
    {
    }

    /// <summary>A second instance on this one's database and Hub, with the same settings.</summary>
    public virtual HubStoreFactory Next() => new HubStoreFactory(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Checkpoints:Store", "hub");
        builder.UseSetting("Checkpoints:HubToken", "hf_dev_alice");
    }
}
