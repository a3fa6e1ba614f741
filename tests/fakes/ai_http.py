"""What the fake AI APIs share: a JSON HTTP server in a thread, and test images.

Each fake supplies ``handle(method, path, headers, body) -> Reply``, header
names in lower case; the server takes care of sockets, threads and JSON. A
reply may carry ``delay_s`` so a test can make the real SDK time out without
any mocking.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from PIL import Image, ImageDraw

COLOURS = ((230, 60, 60), (60, 160, 80), (60, 100, 220), (240, 180, 30))


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[str, str, Mapping[str, str], dict[str, Any]], Reply]


def circle_png(index: int, *, opaque: bool, size: tuple[int, int] = (64, 64)) -> bytes:
    """A coloured circle, on transparency or on plain white like an opaque model."""
    background = (255, 255, 255, 255) if opaque else (0, 0, 0, 0)
    image = Image.new("RGBA", size, background)
    width, height = size
    inset = min(width, height) // 8
    ImageDraw.Draw(image).ellipse(
        (inset, inset, width - inset, height - inset), fill=(*COLOURS[index % len(COLOURS)], 255)
    )
    buffer = io.BytesIO()
    (image.convert("RGB") if opaque else image).save(buffer, format="PNG")
    return buffer.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class JsonServer:
    """A ThreadingHTTPServer on 127.0.0.1 that answers every request with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _request_handler(handler))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            # A short poll keeps shutdown (once per test) from costing half a second.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        )

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _request_handler(handler: Handler) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else {}
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = handler("POST", self.path, headers, body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            payload = json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return RequestHandler


class FakeServerMixin:
    """Context-manager plumbing for a fake that owns a ``JsonServer``."""

    server: JsonServer

    def __enter__(self) -> Any:
        self.server.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.server.stop()
