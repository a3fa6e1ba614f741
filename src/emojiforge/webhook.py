"""The fast path: verify, parse, open or update a modal, enqueue, ack.

``Webhook.handle`` is a function of one HTTP request. It checks the size and
the Slack signature over the raw bytes *before* anything parses the body (so
no crafted body — e.g. a JSON ``url_verification`` with a duplicate ``type``
key — gets past unsigned), then hands the request to Bolt. It never imports
Pillow or an AI SDK: Slack's trigger_id dies 3 s after the click.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from slack_bolt import App, BoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

from emojiforge.jobs import new_correlation_id
from emojiforge.logs import log_context
from emojiforge.metrics import Metrics, NoMetrics

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024  # Slack payloads are far smaller; larger is abuse.
# What Bolt raises while reading a signed payload of the wrong shape.
_MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)


@dataclass(frozen=True)
class HttpRequest:
    body: bytes
    headers: Mapping[str, str]  # any case
    query: str = ""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: str | bytes = ""
    headers: Mapping[str, str] = field(default_factory=dict)


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(status, text, {"content-type": "text/plain; charset=utf-8"})


class Webhook:
    def __init__(
        self,
        app: App,
        signing_secret: str,
        *,
        clock: Callable[[], float] = time.time,
        metrics: Metrics | None = None,
    ) -> None:
        self.app = app
        # Socket Mode needs no signing secret; then nothing over HTTP is trusted.
        self.verifier = (
            SignatureVerifier(signing_secret, clock=_Clock(clock)) if signing_secret else None
        )
        self.metrics = metrics or NoMetrics()

    def handle(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with log_context(correlation_id=new_correlation_id()):
            response = self._handle(request)
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("acked", extra={"status": response.status, "ack_ms": round(elapsed_ms, 1)})
            self.metrics.duration_ms("WebhookAckMs", elapsed_ms)
            return response

    def _handle(self, request: HttpRequest) -> HttpResponse:
        if self.verifier is None:
            return _plain(503, "Slack over HTTP is not configured (no signing secret)")
        if len(request.body) > MAX_BODY_BYTES:
            return _plain(413, "request too large")
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not self._is_signed(request.body, headers):
            log.warning("rejected a request with a missing or invalid Slack signature")
            return _plain(401, "invalid signature")
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            return _plain(400, "body is not UTF-8")
        if headers.get("x-slack-retry-num"):
            # Events API retries: the first attempt is being (or was) handled;
            # job ids are derived from the payload, so nothing is enqueued twice.
            log.info(
                "slack retry %s (%s)",
                headers["x-slack-retry-num"],
                headers.get("x-slack-retry-reason"),
            )
        try:
            bolt_response = self.app.dispatch(
                BoltRequest(body=text, query=request.query, headers=_multi(headers))
            )
        except _MALFORMED:
            # Signed but unreadable (``payload=`` that is no JSON object, a view
            # without its type): Bolt's own parsing raised. The sender's fault,
            # so a 4xx, not an outage; listener errors are classified in listeners.
            log.warning("rejected a signed request whose payload could not be parsed")
            return _plain(400, "malformed payload")
        except Exception:
            log.exception("listener failed")
            return _plain(500, "internal error")
        return HttpResponse(
            bolt_response.status,
            bolt_response.body,
            {k: v[0] for k, v in bolt_response.headers.items() if v},
        )

    def _is_signed(self, body: bytes, headers: Mapping[str, str]) -> bool:
        if self.verifier is None:
            return False
        try:
            return self.verifier.is_valid_request(body, headers)
        except (ValueError, UnicodeDecodeError):
            # slack_sdk raises on a non-numeric timestamp header or a body that
            # is not UTF-8; neither can carry a valid signature.
            return False


def _multi(headers: Mapping[str, str]) -> dict[str, str | Sequence[str]]:
    return {k: [v] for k, v in headers.items()}


class _Clock(Clock):
    """slack_sdk's verifier asks a Clock object for the time; tests pass theirs."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()
