"""A fake Gemini API on a real HTTP server, for tests that use google-genai.

    with FakeGemini(script=[RATE_LIMITED]) as fake:
        client = genai.Client(api_key=fake.api_key,
                              http_options=types.HttpOptions(base_url=fake.base_url))

It answers ``POST /{version}/models/{model}:generateContent`` like the real
API: ``candidates[0].content.parts[].inlineData {mimeType, data}`` with one
base64 PNG (a coloured circle on white, ``image_size`` pixels), and errors as
``{"error": {"code", "message", "status"}}``. Calls consume ``script`` one
step at a time ("ok" or a scripted ``Reply``), then succeed; every call is
kept in ``requests``.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, Literal, NamedTuple

from tests.fakes.ai_http import FakeServerMixin, JsonServer, Reply, b64, circle_png

_GENERATE = re.compile(r"^/[^/]+/models/(?P<model>[^/:]+):generateContent$")


def api_error(code: int, status: str, message: str, details: list[Any] | None = None) -> Reply:
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        error["details"] = details
    return Reply(code, {"error": error})


RATE_LIMITED = api_error(
    429,
    "RESOURCE_EXHAUSTED",
    "Resource has been exhausted (e.g. check quota).",
    [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
        {"quotaId": "GenerateRequestsPerMinutePerProjectPerModel"}]}],
)  # fmt: skip
DAILY_QUOTA_USED = api_error(
    429,
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details.",
    [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
        {"quotaId": "GenerateRequestsPerDayPerProjectPerModel"}]}],
)  # fmt: skip
SAFETY_REFUSED = api_error(
    400, "INVALID_ARGUMENT", "Request blocked for SAFETY reasons. RAW-API-TEXT-DO-NOT-SHOW"
)
SERVER_ERROR = api_error(500, "INTERNAL", "An internal error has occurred.")
UNAVAILABLE = api_error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
BAD_KEY = api_error(
    400,
    "INVALID_ARGUMENT",
    "API key not valid. Please pass a valid API key.",
    [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}],
)
PROMPT_BLOCKED = Reply(200, {"promptFeedback": {"blockReason": "SAFETY"}})
IMAGE_BLOCKED = Reply(
    200, {"candidates": [{"content": {"role": "model"}, "finishReason": "IMAGE_SAFETY"}]}
)
TEXT_ONLY = Reply(
    200,
    {"candidates": [{"content": {"role": "model", "parts": [{"text": "I can't draw."}]},
                     "finishReason": "STOP"}]},
)  # fmt: skip


def slow(seconds: float) -> Reply:
    """An answer that arrives too late for a client with a shorter timeout."""
    return Reply(200, {"candidates": []}, delay_s=seconds)


Step = Reply | Literal["ok"]


class Request(NamedTuple):
    model: str
    body: dict[str, Any]


class FakeGemini(FakeServerMixin):
    def __init__(
        self,
        *,
        api_key: str = "gemini-test-key",
        script: Iterable[Step] = (),
        image_size: tuple[int, int] = (64, 64),
    ) -> None:
        self.api_key = api_key
        self.image_size = image_size
        self.requests: list[Request] = []
        self._script: deque[Step] = deque(script)
        self._lock = threading.Lock()
        self._colours = itertools.count()
        self.server = JsonServer(self._handle)

    @property
    def base_url(self) -> str:
        return self.server.origin

    def _handle(
        self, method: str, path: str, headers: Mapping[str, str], body: dict[str, Any]
    ) -> Reply:
        match = _GENERATE.match(path.split("?")[0])
        if method != "POST" or match is None:
            return api_error(404, "NOT_FOUND", f"Unknown path {path}")
        with self._lock:
            self.requests.append(Request(match["model"], body))
            step = self._script.popleft() if self._script else "ok"
            colour = next(self._colours)
        if headers.get("x-goog-api-key") != self.api_key:
            return BAD_KEY
        if step != "ok":
            return step
        png = circle_png(colour, opaque=True, size=self.image_size)
        return Reply(
            200,
            {
                "candidates": [
                    {
                        "content": {
                            "role": "model",
                            "parts": [{"inlineData": {"mimeType": "image/png", "data": b64(png)}}],
                        },
                        "finishReason": "STOP",
                        "index": 0,
                    }
                ],
                "usageMetadata": {
                    "promptTokenCount": 60,
                    "candidatesTokenCount": 1290,
                    "totalTokenCount": 1350,
                },
                "modelVersion": match["model"],
            },
        )
