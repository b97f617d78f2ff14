using System.Text.Json;

namespace Moderation.HubEmulator;

public sealed record HubOrg(string Id, string Name, string? Fullname, string RoleInOrg);

/// <summary>A user of the emulated Hub. Their user access token is always <c>hf_dev_&lt;name&gt;</c>.</summary>
public sealed record HubUser(string Id, string Name, string? Fullname, string? Email, bool EmailVerified, bool IsPro, IReadOnlyList<HubOrg> Orgs)
{
    public string UserAccessToken => "hf_dev_" + Name;

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<HubUser> Load(string path) =>
        JsonSerializer.Deserialize<List<HubUser>>(File.ReadAllText(path), FileJson)
        ?? throw new InvalidOperationException($"{path} holds no users.");
}
