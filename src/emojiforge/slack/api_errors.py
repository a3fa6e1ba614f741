"""Slack Web API errors, classified: what delivery falls back on, retries, or gives up on.

Pure: it reads the error code and HTTP status slack_sdk already parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from slack_sdk.errors import SlackApiError, SlackClientError

from emojiforge.errors import DeliveryError

# The bot is not (or no longer) in the channel: the user still gets a DM.
CHANNEL_GONE = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "user_not_in_channel"}
)
# The modal was closed or replaced: nothing to update, and nothing wrong.
VIEW_GONE = frozenset({"not_found", "view_not_found", "hash_conflict"})
# Slack said "later": the job may succeed on its next receive.
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# The token or its scopes are wrong: retrying cannot help, a person has to act.
_NEEDS_ADMIN = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "not_allowed_token_type",
        "no_permission",
    }
)


def error_code(exc: SlackApiError) -> str:
    data = exc.response.data
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def is_transient(exc: SlackApiError) -> bool:
    status = exc.response.status_code
    return status == 429 or status >= 500 or error_code(exc) in _TRANSIENT


@contextmanager
def as_delivery_errors() -> Iterator[None]:
    """Slack's failures as ``DeliveryError``: retryable when a later try can work."""
    try:
        yield
    except SlackApiError as exc:
        raise to_delivery_error(exc) from exc
    except (SlackClientError, OSError) as exc:  # connection lost, upload URL refused
        raise DeliveryError(
            "connection", "I couldn't reach Slack; I'll try again.", retryable=True
        ) from exc


def to_delivery_error(exc: SlackApiError) -> DeliveryError:
    status = exc.response.status_code
    reason = error_code(exc) if status == 200 else f"http_{status}"
    if is_transient(exc):
        return DeliveryError(reason, "Slack is busy right now; I'll try again.", retryable=True)
    if error_code(exc) in _NEEDS_ADMIN:
        message = "EmojiForge's Slack access is not valid; ask an admin to reinstall the app."
        return DeliveryError(reason, message, retryable=False)
    return DeliveryError(reason or "slack_error", "Slack refused the delivery.", retryable=False)
