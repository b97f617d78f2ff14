"""
moderation_hivemind: the training side of a moderation server for collaborative (hivemind) training.

- ``ModerationAuthorizer`` / ``authorize_with_huggingface``: a drop-in for dalle-hivemind's and sahajBERT's
  ``HuggingFaceAuthorizer`` that also refuses banned or revoked peers within seconds and follows rollbacks (needs hivemind).
- ``ContributionReporter``: an auxiliary peer's contribution reports, checkpoint registrations and initial peers.
- ``dpop_proof``: a peer's proof of its own key when it reports its own work.

hivemind is imported only by the authorizer, so auxiliary tools can use the rest without it.
"""

from .checkpoints import CheckpointWatcher, CurrentCheckpoint
from .dpop import dpop_proof, openssh_public_key
from .errors import InvalidCredentialsError, ModerationError, NonRetriableError, NotInAllowlistError, ServerUnavailableError
from .huggingface import authorize_with_huggingface, find_hf_token
from .reporter import ContributionReporter
from .revocations import RevocationList, RevocationWatcher

__version__ = "0.1.0"

__all__ = [
    "ModerationAuthorizer", "authorize_with_huggingface", "find_hf_token", "ContributionReporter", "CurrentCheckpoint",
    "CheckpointWatcher", "RevocationList", "RevocationWatcher", "dpop_proof", "openssh_public_key", "ModerationError",
    "NonRetriableError", "InvalidCredentialsError", "NotInAllowlistError", "ServerUnavailableError",
]


def __getattr__(name):
    # hivemind is an optional import: only the authorizer needs it, and only when it is used.
    if name == "ModerationAuthorizer":
        from .authorizer import ModerationAuthorizer
        return ModerationAuthorizer
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
