"""The local server: Slack webhook over HTTP, worker threads, embedded queue.

One process on a laptop runs ADR-002's whole flow. Slack reaches it over HTTP
(through a tunnel) or, with an app-level token, over Socket Mode.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from emojiforge.metrics import LocalMetrics
from emojiforge.runner import QueueRunner
from emojiforge.webhook import MAX_BODY_BYTES, HttpRequest, HttpResponse, Webhook

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"

Route = Callable[[str, str, HttpRequest], HttpResponse | None]


def chain_routes(*routes: Route | None) -> Route:
    """One route that asks each of ``routes`` in turn; the first answer wins."""
    present = [route for route in routes if route is not None]

    def chained(method: str, path: str, request: HttpRequest) -> HttpResponse | None:
        for route in present:
            response = route(method, path, request)
            if response is not None:
                return response
        return None

    return chained


class _HttpServer(ThreadingHTTPServer):
    # The default listen backlog (5) is too short for a burst: Slack retries,
    # a busy channel or a load test opening dozens of connections at once
    # would see them reset, or held back a whole second for a SYN retry.
    request_queue_size = 128


class LocalServer:
    def __init__(
        self,
        webhook: Webhook | None,  # None: Slack is not configured, the playground only
        runners: list[QueueRunner],
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        extra_routes: Route | None = None,
        metrics: LocalMetrics | None = None,
    ) -> None:
        self.webhook = webhook
        self.runners = runners
        self.extra_routes = extra_routes
        self.metrics = metrics
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.httpd = _HttpServer((host, port), self._handler_class())
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        for index, runner in enumerate(self.runners):
            thread = threading.Thread(
                target=runner.run_until, args=(self._stop,), name=f"worker-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        http_thread = threading.Thread(target=self.httpd.serve_forever, name="http", daemon=True)
        http_thread.start()
        self._threads.append(http_thread)

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def route(self, method: str, path: str, request: HttpRequest) -> HttpResponse:
        if method == "POST" and path == SLACK_PATH:
            if self.webhook is None:
                return HttpResponse(503, "Slack is not configured", {"content-type": "text/plain"})
            return self.webhook.handle(request)
        if method == "GET" and path == "/healthz":
            return HttpResponse(200, "ok", {"content-type": "text/plain"})
        if method == "GET" and path == "/metrics" and self.metrics is not None:
            body = json.dumps(self.metrics.snapshot(), indent=2)
            return HttpResponse(200, body, {"content-type": "application/json"})
        if self.extra_routes:
            response = self.extra_routes(method, path, request)
            if response is not None:
                return response
        return HttpResponse(404, "not found", {"content-type": "text/plain"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, a keep-alive
            # client's delayed ACK holds the body back ~40 ms on every response.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length > MAX_BODY_BYTES:
                    self._send(HttpResponse(413, "request too large"), close=True)
                    return
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = HttpRequest(
                    body=body, headers=dict(self.headers.items()), query=parts.query
                )
                try:
                    response = server.route(method, parts.path, request)
                except Exception:
                    log.exception("request failed")
                    response = HttpResponse(500, "internal error")
                self._send(response)

            def _send(self, response: HttpResponse, close: bool = False) -> None:
                body = response.body
                payload = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(response.status)
                for name, value in response.headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                if close:
                    self.send_header("connection", "close")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: object) -> None:
                log.debug("http: " + format, *args)

        return Handler
