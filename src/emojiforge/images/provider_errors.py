"""The few ways an AI image provider fails, in words a person in Slack reads.

Every provider maps its own exceptions onto these, so the worker, metrics and
the messages people see are the same whichever provider made the image. The
provider's own error text never reaches a person: it can be confusing, and
for safety refusals it can read as a telling-off.
"""

from __future__ import annotations

import logging

from emojiforge.errors import ProviderError

_log = logging.getLogger(__name__)

_UNAVAILABLE_TO_USER = (
    "Emoji making is unavailable right now. The app's admin has been alerted; "
    "please try again later."
)


def moderation_blocked() -> ProviderError:
    return ProviderError(
        "moderation_blocked",
        "The image service couldn't draw that one, as its content filter stepped in. "
        "Try describing the emoji a different way.",
        retryable=False,
    )


def rate_limited() -> ProviderError:
    return ProviderError(
        "rate_limited",
        "The image service is busy right now. Your emoji will be retried shortly.",
        retryable=True,
    )


def provider_unavailable() -> ProviderError:
    return ProviderError(
        "provider_unavailable",
        "The image service isn't answering right now. Your emoji will be retried shortly.",
        retryable=True,
    )


def no_image() -> ProviderError:
    """The provider answered but sent no picture (e.g. it replied with text)."""
    return ProviderError(
        "no_image",
        "The image service didn't send a picture back. Your emoji will be retried shortly.",
        retryable=True,
    )


def quota_exhausted(provider: str) -> ProviderError:
    return _operator_problem(provider, "quota_exhausted")


def auth_failed(provider: str) -> ProviderError:
    return _operator_problem(provider, "auth_failed")


def bad_request(provider: str) -> ProviderError:
    """A request the provider rejects as malformed: retrying cannot help."""
    return _operator_problem(provider, "bad_request")


def _operator_problem(provider: str, reason: str) -> ProviderError:
    # Only the operator can fix these (billing, keys, settings), so they get an
    # error line; the person only learns that the service is unavailable.
    _log.error("image provider %s failed: %s", provider, reason)
    return ProviderError(reason, _UNAVAILABLE_TO_USER, retryable=False)
