"""AWS Lambda entry point of the webhook: translate the event, call the webhook.

Cold start matters (Slack's trigger_id lives 3 s): only the webhook's own
imports load here, never Pillow or an AI SDK, and everything is built once per
container on the first request.
"""

from __future__ import annotations

from typing import Any

from emojiforge.aws.lambda_http import http_method, to_http_request, to_lambda_response
from emojiforge.aws.metrics import EmfMetrics
from emojiforge.aws.runtime import configure_logging, lambda_settings
from emojiforge.webhook import HttpResponse, Webhook
from emojiforge.wiring import build_queues, build_store, build_webhook

_webhook: Webhook | None = None
_metrics = EmfMetrics(service="emojiforge")


def _get_webhook() -> Webhook:
    global _webhook
    if _webhook is None:
        settings = lambda_settings()
        configure_logging(settings)
        queue, _ = build_queues(settings)
        _webhook = build_webhook(
            settings, queue=queue, store=build_store(settings), metrics=_metrics
        )
    return _webhook


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if http_method(event) != "POST":
        return to_lambda_response(HttpResponse(405, "POST only", {"allow": "POST"}))
    try:
        return to_lambda_response(_get_webhook().handle(to_http_request(event)))
    finally:
        _metrics.flush()


def reset() -> None:
    """Forget the built webhook (tests switch settings between cases)."""
    global _webhook
    _webhook = None
