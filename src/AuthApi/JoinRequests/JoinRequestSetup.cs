using Moderation.AuthApi.Access;

namespace Moderation.AuthApi.JoinRequests;

public static class JoinRequestSetup
{
    /// <summary>Who may join (the access decision) and the screening of those who may not yet.</summary>
    public static IServiceCollection AddJoinRequests(this IServiceCollection services)
    {
        services.AddSingleton<JoinAccess>();
        services.AddSingleton<JoinRequestRecorder>();
        services.AddScoped<JoinRequestDecisions>();
        return services;
    }
}
