using Microsoft.Extensions.Hosting;

namespace Moderation.ServiceDefaults;

public static class ModerationEnvironments
{
    /// <summary>The environment the test suite runs the apps in.</summary>
    public const string Testing = "Testing";

    /// <summary>
    /// Development (the local run) or Testing (the test suite): plain http on loopback, unprotected keys and an issuer
    /// taken from the request are allowed. Every other environment is treated as production.
    /// </summary>
    public static bool IsLocal(this IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment(Testing);
}
