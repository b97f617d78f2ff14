namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// The copy-paste start for an admitted participant. A dalle-hivemind / sahajBERT-style training script changes two
/// lines: it imports <c>authorize_with_huggingface</c> from the <c>moderation_hivemind</c> package (served by AuthApi at
/// <see cref="PackagePath"/>) instead of its own <c>huggingface_auth.py</c>, and names this server in the call.
/// </summary>
public static class QuickStart
{
    /// <summary>Where AuthApi serves the package's source archive, which pip installs as it is.</summary>
    public const string PackagePath = "/downloads/moderation-hivemind.zip";

    public static string Install(string serverUrl) => $"pip install \"{serverUrl}{PackagePath}\"";

    public static string Python(string serverUrl, string org, string model) => $$"""
        # before
        from huggingface_auth import authorize_with_huggingface
        authorizer = authorize_with_huggingface()

        # after
        from moderation_hivemind import authorize_with_huggingface
        authorizer = authorize_with_huggingface(server_url="{{serverUrl}}", organization_name="{{org}}", model_name="{{model}}")
        """;

    /// <summary>Starting the peer with the run's initial peers (dalle-hivemind's and sahajBERT's <c>--initial_peers</c>).</summary>
    public static string Shell(IReadOnlyList<string> initialPeers)
    {
        var peers = initialPeers.Count == 0 ? "" : " \\\n    --initial_peers " + string.Join(" \\\n    ", initialPeers);
        return $"""
            export HF_TOKEN=hf_...   # your read token (or run: huggingface-cli login)
            python run_trainer.py{peers}
            """;
    }
}
