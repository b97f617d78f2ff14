using System.Text.Json;

namespace Moderation.HubEmulator;

public sealed record HubOrg(string Id, string Name, string? Fullname, string RoleInOrg);

/// <summary>
/// A user of the emulated Hub. Their user access token is <c>hf_dev_&lt;name&gt;</c> with the name they had when they
/// joined (a rename, as on the Hub, keeps the id and the token).
/// </summary>
public sealed record HubUser(string Id, string Name, string? Fullname, string? Email, bool EmailVerified, bool IsPro, IReadOnlyList<HubOrg> Orgs)
{
    public string? Token { get; init; }

    public string UserAccessToken => Token ?? "hf_dev_" + Name;

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<HubUser> Load(string path) =>
        JsonSerializer.Deserialize<List<HubUser>>(File.ReadAllText(path), FileJson)
        ?? throw new InvalidOperationException($"{path} holds no users.");
}
