"""
The exceptions a refused join raises. The names and hierarchy are those of ``huggingface_auth.py`` (dalle-hivemind,
sahajBERT), so a training script that catches them keeps working after its import changes; the message is the server's
own reason.
"""


class ModerationError(Exception):
    """Anything this package reports about the moderation server."""


class NonRetriableError(ModerationError):
    """The server refused for good: asking again will not help until something changes (huggingface_auth's name)."""


class InvalidCredentialsError(NonRetriableError):
    """The Hugging Face token is missing, invalid, expired or revoked."""


class NotInAllowlistError(NonRetriableError):
    """The token is fine but its owner may not join: not admitted, banned, or no such experiment (the reason says which)."""


class ServerUnavailableError(ModerationError):
    """The server could not be reached, or stayed busy (429/503/5xx), for every attempt."""
