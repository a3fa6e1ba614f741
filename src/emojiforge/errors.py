"""One root error and a few subclasses that carry what a caller needs to act.

Entry points catch ``EmojiForgeError`` and show ``str(error)`` to a person: the
message is written for them, never a raw traceback or third-party text.
"""

from __future__ import annotations


class EmojiForgeError(Exception):
    """Root of every error EmojiForge raises on purpose."""


class InvalidInput(EmojiForgeError):
    """Input a person or a peer gave us is wrong; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ImageError(EmojiForgeError):
    """An image could not be read, or could not be made to fit Slack's limits."""


class ProviderError(EmojiForgeError):
    """An image provider failed.

    ``retryable`` tells the worker whether the queue should try again later;
    ``reason`` is a short machine-readable code for logs and metrics;
    ``user_message`` is what the person in Slack is told (plain words, no API text).
    """

    def __init__(self, reason: str, user_message: str, *, retryable: bool) -> None:
        super().__init__(f"{reason}: {user_message}")
        self.reason = reason
        self.user_message = user_message
        self.retryable = retryable


class DeliveryError(EmojiForgeError):
    """Slack refused or failed a delivery step (upload, post, emoji, reaction).

    Same shape as ``ProviderError``: ``reason`` is Slack's error code (or
    ``http_<status>``), ``retryable`` tells the worker whether a later attempt can
    succeed (rate limits, 5xx) or cannot (revoked token, missing scope).
    """

    def __init__(self, reason: str, user_message: str, *, retryable: bool) -> None:
        super().__init__(f"{reason}: {user_message}")
        self.reason = reason
        self.user_message = user_message
        self.retryable = retryable


class ConfigError(EmojiForgeError):
    """A setting is missing or malformed; ``setting`` names the variable."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(f"{setting}: {message}")
        self.setting = setting
        self.message = message


class QueueError(EmojiForgeError):
    """The queue refused an operation, e.g. a receipt that is no longer current."""

    def __init__(self, queue: str, message: str) -> None:
        super().__init__(f"queue {queue}: {message}")
        self.queue = queue
        self.message = message
