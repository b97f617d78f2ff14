"""Where a participant's Hugging Face token is, and ``authorize_with_huggingface()`` as training scripts call it today."""

import os
import sys
from getpass import getpass
from typing import Optional

#: Environment variables holding an HF token, in the order they are read: huggingface_hub's, then the one the
#: dalle-hivemind and sahajBERT scripts read, then huggingface_hub's older name.
TOKEN_VARIABLES = ("HF_TOKEN", "HF_USER_ACCESS_TOKEN", "HUGGING_FACE_HUB_TOKEN")


def token_file_paths():
    """Where ``huggingface-cli login`` writes the token: ``HF_TOKEN_PATH``, else ``$HF_HOME/token`` (``HF_HOME`` defaults
    to ``$XDG_CACHE_HOME/huggingface``, i.e. ``~/.cache/huggingface``); then the location of older releases."""
    if os.environ.get("HF_TOKEN_PATH"):
        yield os.path.expanduser(os.environ["HF_TOKEN_PATH"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    yield os.path.join(os.path.expanduser(os.environ.get("HF_HOME") or os.path.join(cache, "huggingface")), "token")
    yield os.path.join(os.path.expanduser("~"), ".huggingface", "token")


def find_hf_token(token: Optional[str] = None) -> Optional[str]:
    """``token`` if given, else the first of ``TOKEN_VARIABLES`` that is set, else the token file; None when there is none."""
    if token and token.strip():
        return token.strip()
    for name in TOKEN_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    for path in token_file_paths():
        try:
            with open(path, encoding="utf-8") as file:
                value = file.read().strip()
        except OSError:
            continue
        if value:
            return value
    return None


def authorize_with_huggingface(server_url: Optional[str] = None, organization_name: Optional[str] = None,
                               model_name: Optional[str] = None, hf_token: Optional[str] = None, **kwargs):
    """
    Joins the run and returns its ``ModerationAuthorizer``, like ``huggingface_auth.authorize_with_huggingface()`` of
    dalle-hivemind and sahajBERT. What is not passed comes from the environment as there (``MODERATION_SERVER_URL``,
    ``HF_ORGANIZATION_NAME``, ``HF_MODEL_NAME``; the token as ``find_hf_token`` finds it), or is asked for when a person
    is at the terminal. A refusal prints the server's reason and raises; an invalid token is asked for again when interactive.
    """
    from .authorizer import ModerationAuthorizer
    from .errors import InvalidCredentialsError, NotInAllowlistError

    interactive = sys.stdin is not None and sys.stdin.isatty()
    server_url = server_url or _setting("MODERATION_SERVER_URL", "Moderation server URL", interactive)
    organization_name = organization_name or _setting("HF_ORGANIZATION_NAME", "Hugging Face organization name", interactive)
    model_name = model_name or _setting("HF_MODEL_NAME", "Hugging Face model name", interactive)
    hf_token = find_hf_token(hf_token)
    while True:
        if not hf_token and interactive:
            print("\nCopy a token with the read role from https://huggingface.co/settings/tokens and paste it here.")
            hf_token = getpass("Hugging Face user access token (characters will be hidden): ")
        try:
            authorizer = ModerationAuthorizer(server_url, organization_name, model_name, hf_token, **kwargs)
            authorizer.join_experiment()
        except InvalidCredentialsError as e:
            if not interactive:
                raise
            print("Invalid user access token (%s), please try again" % e)
            hf_token = None
            continue
        except NotInAllowlistError as e:
            print("\nYou may not join %s/%s: %s\nAsk to join, or see where you stand, in the run's moderator console." % (
                organization_name, model_name, e))
            raise
        print("You will contribute to the collaborative training under the username %s" % authorizer.username)
        return authorizer


def _setting(variable: str, prompt: str, interactive: bool) -> str:
    value = os.environ.get(variable, "").strip()
    if not value and interactive:
        value = input(prompt + ": ").strip()
    if not value:
        raise ValueError("%s is not set: pass it to authorize_with_huggingface() or set %s" % (prompt, variable))
    return value
