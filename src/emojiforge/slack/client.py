"""The one way EmojiForge builds a Slack ``WebClient``: with slack_sdk's retry handlers.

Rate limits are per method and per workspace, so a 429 is normal under load:
``RateLimitErrorRetryHandler`` sleeps for the ``Retry-After`` Slack sends.
5xx answers and dropped connections are retried with backoff. What still fails
after ``max_retries`` reaches the caller, which decides whether the job is
retried later (see ``emojiforge.slack.delivery``).
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

SLACK_API_URL = "https://slack.com/api/"


def make_web_client(
    token: str,
    base_url: str = SLACK_API_URL,
    *,
    max_retries: int = 3,
    backoff_s: float = 0.5,
    timeout_s: int = 30,
) -> WebClient:
    """A WebClient for ``token`` that retries 429s, 5xx and connection errors.

    ``backoff_s`` is the first wait between 5xx/connection retries (it doubles,
    with jitter); tests make it tiny. 429s always wait what Slack asks.
    """
    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_s)
    return WebClient(
        token=token,
        # slack_sdk joins base_url and the method name without adding a slash.
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        timeout=timeout_s,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=backoff),
            RateLimitErrorRetryHandler(max_retry_count=max_retries),
            ServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=backoff),
        ],
    )
