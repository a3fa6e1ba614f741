"""A fake OpenAI API on a real HTTP server, for tests that use the official SDK.

    with FakeOpenAI(opaque_only_models={"old-model"}, script=[RATE_LIMITED]) as fake:
        client = openai.OpenAI(api_key=fake.api_key, base_url=fake.base_url)

It answers ``POST /v1/images/generations`` with ``n`` base64 PNGs (a coloured
circle on transparency, or on white for ``background="opaque"``) and
``POST /v1/moderations`` flagging any input containing one of
``flagged_words``. Errors have the real API's shape:
``{"error": {"message", "type", "param", "code"}}``. Image requests consume
``script`` one step at a time ("ok" or a scripted ``Reply``), then succeed.
Every request is kept in ``requests``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from tests.fakes.ai_http import FakeServerMixin, JsonServer, Reply, b64, circle_png


def api_error(status: int, code: str | None, message: str, *, param: str | None = None) -> Reply:
    error_type = "invalid_request_error" if status < 500 else "server_error"
    return Reply(
        status, {"error": {"message": message, "type": error_type, "param": param, "code": code}}
    )


RATE_LIMITED = api_error(429, "rate_limit_exceeded", "Rate limit reached for images per minute.")
INSUFFICIENT_QUOTA = api_error(429, "insufficient_quota", "You exceeded your current quota.")
MODERATION_BLOCKED = api_error(
    400,
    "moderation_blocked",
    "Your request was rejected by the safety system. RAW-API-TEXT-DO-NOT-SHOW",
)
SERVER_ERROR = api_error(500, None, "The server had an error while processing your request.")
UNAUTHORIZED = api_error(401, "invalid_api_key", "Incorrect API key provided.")
FORBIDDEN = api_error(403, None, "Your organization must be verified to use this model.")
TRANSPARENCY_REFUSED = api_error(
    400,
    "unsupported_value",
    "Transparent background is not supported for this model.",
    param="background",
)


def slow(seconds: float) -> Reply:
    """A success that arrives too late for a client with a shorter timeout."""
    return Reply(200, {"created": 0, "data": []}, delay_s=seconds)


Step = Reply | Literal["ok"]


class Request(NamedTuple):
    path: str
    body: dict[str, Any]


class FakeOpenAI(FakeServerMixin):
    def __init__(
        self,
        *,
        api_key: str = "sk-test-fake",
        opaque_only_models: Iterable[str] = (),
        script: Iterable[Step] = (),
        flagged_words: Iterable[str] = (),
    ) -> None:
        self.api_key = api_key
        self.opaque_only_models = set(opaque_only_models)
        self.flagged_words = [word.lower() for word in flagged_words]
        self.requests: list[Request] = []
        self._script: deque[Step] = deque(script)
        self._lock = threading.Lock()
        self.server = JsonServer(self._handle)

    @property
    def base_url(self) -> str:
        return f"{self.server.origin}/v1"

    @property
    def image_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == "/v1/images/generations"]

    @property
    def moderation_requests(self) -> list[dict[str, Any]]:
        return [r.body for r in self.requests if r.path == "/v1/moderations"]

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], body: dict[str, Any]
    ) -> Reply:
        with self._lock:
            self.requests.append(Request(path, body))
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return UNAUTHORIZED
        if path == "/v1/images/generations":
            return self._generate(body)
        if path == "/v1/moderations":
            return self._moderate(body)
        return api_error(404, "unknown_url", f"Unknown request URL: {method} {path}")

    def _generate(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            step = self._script.popleft() if self._script else "ok"
        if step != "ok":
            return step
        background = body.get("background", "auto")
        if background == "transparent" and body.get("model") in self.opaque_only_models:
            return TRANSPARENCY_REFUSED
        opaque = background != "transparent"
        count = int(body.get("n") or 1)
        images = [{"b64_json": b64(circle_png(i, opaque=opaque))} for i in range(count)]
        return Reply(
            200,
            {
                "created": 1_700_000_000,
                "background": "opaque" if opaque else "transparent",
                "data": images,
                "output_format": body.get("output_format", "png"),
                "quality": body.get("quality", "auto"),
                "size": body.get("size", "1024x1024"),
                "usage": {
                    "input_tokens": 50,
                    "input_tokens_details": {"image_tokens": 0, "text_tokens": 50},
                    "output_tokens": 272 * count,
                    "total_tokens": 50 + 272 * count,
                },
            },
        )

    def _moderate(self, body: dict[str, Any]) -> Reply:
        inputs = body.get("input", [])
        texts = [inputs] if isinstance(inputs, str) else [str(text) for text in inputs]
        results = [
            {
                "flagged": any(word in text.lower() for word in self.flagged_words),
                "categories": {},
                "category_scores": {},
                "category_applied_input_types": {},
            }
            for text in texts
        ]
        return Reply(
            200, {"id": "modr-fake", "model": "omni-moderation-latest", "results": results}
        )
