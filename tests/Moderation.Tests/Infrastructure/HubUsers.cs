using Moderation.HubEmulator;

namespace Moderation.Tests.Infrastructure;

public static class HubUsers
{
    /// <summary>A new account on the test's Hub emulator, with a unique name (and token <c>hf_dev_&lt;name&gt;</c>).</summary>
    public static HubUser NewUser(this AuthApiFactory api, string prefix = "user", params HubOrg[] orgs)
    {
        var id = Guid.NewGuid().ToString("N")[..24];
        var user = new HubUser(id, $"{prefix}-{id[..8]}", $"{prefix} {id[..4]}", null, true, false, orgs);
        Assert.True(api.Hub.State.AddUser(user));
        return user;
    }
}

public static class HubUserNames
{
    /// <summary>A new account that takes <paramref name="name"/> (after its previous holder renamed themselves).</summary>
    public static Moderation.HubEmulator.HubUser NewUserNamed(this AuthApiFactory api, string name)
    {
        var id = Guid.NewGuid().ToString("N")[..24];
        var user = new Moderation.HubEmulator.HubUser(id, name, name, null, true, false, []) { Token = "hf_dev_new_" + id };
        Assert.True(api.Hub.State.AddUser(user));
        return user;
    }
}
