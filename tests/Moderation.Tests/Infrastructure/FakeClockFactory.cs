using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Moderation.Tests.Infrastructure;

/// <summary>AuthApi whose clock the test moves (<see cref="Clock"/>): expiries are reached by advancing it, never by sleeping.</summary>
public class FakeClockFactory : AuthApiFactory
{
    public FakeClockFactory()
    {
    }

    private FakeClockFactory(FakeClockFactory sharedWith) : base(sharedWith) => Clock = sharedWith.Clock;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>A second instance (a replica) on this one's database and Hub emulator, with the same clock.</summary>
    public FakeClockFactory Next() => new(this);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
