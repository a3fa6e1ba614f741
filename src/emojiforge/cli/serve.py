"""``emojiforge serve``: the whole flow in one process (playground, webhook, queue, workers)."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from typing import Any

from emojiforge import logs
from emojiforge.settings import Settings


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "serve", help="run the local server: playground, Slack webhook, queue"
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default: loopback)")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2, help="worker threads")
    parser.add_argument(
        "--socket-mode",
        action="store_true",
        help="connect to Slack over Socket Mode (SLACK_APP_TOKEN)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from emojiforge.metrics import LocalMetrics
    from emojiforge.runner import QueueRunner
    from emojiforge.server import LocalServer, chain_routes
    from emojiforge.wiring import (
        build_kept_options,
        build_playground,
        build_queues,
        build_signed_files,
        build_store,
        build_webhook,
        build_worker,
    )

    settings = Settings.from_env()
    logs.configure(settings.log_level)
    queue, dead_letter = build_queues(settings)
    store = build_store(settings)
    metrics = LocalMetrics()
    # Without Slack settings the server still runs, for the browser playground alone.
    webhook = None
    if settings.slack_signing_secret or args.socket_mode:
        webhook = build_webhook(
            settings, queue=queue, store=store, metrics=metrics, socket_mode=args.socket_mode
        )
    playground = build_playground(
        settings, queue=queue, store=store, host=args.host, metrics=metrics
    )
    worker = build_worker(
        settings,
        store=store,
        kept_options=build_kept_options(settings),
        metrics=metrics,
    )
    runners = [QueueRunner(queue, dead_letter, worker) for _ in range(max(1, args.workers))]
    files = build_signed_files(settings)
    server = LocalServer(
        webhook,
        runners,
        host=args.host,
        port=args.port,
        extra_routes=chain_routes(files.serve if files else None, playground.route),
        metrics=metrics,
    )
    server.start()
    print(f"EmojiForge playground: {server.url}/", file=sys.stderr, flush=True)
    if webhook is None:
        print("Slack is not configured (no SLACK_SIGNING_SECRET).", file=sys.stderr)
    else:
        print(f"Slack events: {server.url}/slack/events", file=sys.stderr, flush=True)
    if args.socket_mode and webhook is not None:
        _start_socket_mode(webhook.app, settings)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    server.stop()
    return 0


def _start_socket_mode(app: Any, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from emojiforge.errors import ConfigError

    if not settings.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN", "Socket Mode needs an app-level token (xapp-…)")
    # Socket Mode requests are authenticated by the app token's WebSocket, not signed.
    SocketModeHandler(app, settings.slack_app_token.reveal()).connect()  # type: ignore[no-untyped-call]
