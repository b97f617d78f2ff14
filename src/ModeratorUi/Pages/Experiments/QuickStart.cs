namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// The copy-paste start for an admitted participant: hivemind's Hugging Face authorizer (huggingface_auth.py of
/// dalle-hivemind and sahajBERT) calls <c>PUT {server}/api/experiments/join</c> with the HF user access token, so only
/// its server address changes.
/// </summary>
public static class QuickStart
{
    public static string Python(string serverUrl, string org, string model) => $$"""
        import os

        import hivemind
        from huggingface_auth import HuggingFaceAuthorizer  # huggingface_auth.py of dalle-hivemind / sahajBERT

        INITIAL_PEERS = []  # multiaddrs of the run's peers, as its organizers publish them

        # Ask this server, not the default one, for peer tokens.
        HuggingFaceAuthorizer._AUTH_SERVER_URL = "{{serverUrl}}"

        authorizer = HuggingFaceAuthorizer(
            organization_name="{{org}}",
            model_name="{{model}}",
            hf_user_access_token=os.environ["HF_USER_ACCESS_TOKEN"],
        )
        authorizer.join_experiment()  # refused with the reason if you are not admitted
        print("Joined as", authorizer.username)

        dht = hivemind.DHT(start=True, initial_peers=INITIAL_PEERS, authorizer=authorizer)
        """;

    public static string Shell(string org, string model) => $"""
        export HF_ORGANIZATION_NAME={org}
        export HF_MODEL_NAME={model}
        export HF_USER_ACCESS_TOKEN=hf_...   # your own token; keep it secret
        python run_trainer.py   # the run's training script, with the change above
        """;
}
