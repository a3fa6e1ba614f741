"""Figure 6: pipeline overhead, submission -> file on the fake Slack, zero-latency provider.

Everything but the image model, on one machine: a signed submission over HTTP
to the local server, the embedded queue, a worker thread (built by
``wiring.build_worker``, its provider swapped for one that returns a ready
PNG at once), emojify, and delivery with ``files_upload_v2`` to the fake Slack.
The clock stops when ``files.completeUploadExternal`` reaches the fake Slack
(polled every millisecond). A job that never arrives is a correctness failure.
"""

from __future__ import annotations

import dataclasses
import http.client
import tempfile
import time
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw
from tests.fakes.slack_api import FakeSlack

from bench.slack_requests import modal_view, submission_request
from bench.table import GroupResult, at_most, latency
from bench.webhook_ack import local_settings
from emojiforge.images.model import Artwork
from emojiforge.jobs import EmojiSpec
from emojiforge.runner import QueueRunner
from emojiforge.server import SLACK_PATH, LocalServer
from emojiforge.webhook import HttpRequest
from emojiforge.wiring import build_queues, build_store, build_webhook, build_worker

TARGET_P50_MS = 150.0
WARMUP = 3
RUNS = 30
DEADLINE_S = 10.0
COMPLETE = "files.completeUploadExternal"


class InstantProvider:
    """A provider with no latency: the model's share of the time is taken out."""

    name = "instant"

    def generate(self, spec: EmojiSpec) -> list[Artwork]:
        return [Artwork(_artwork_png()) for _ in range(spec.options)]


@cache
def _artwork_png() -> bytes:
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((16, 16, 240, 240), fill=(250, 200, 40), outline="black")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    with FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        settings = local_settings(Path(tmp), slack)
        queue, dead_letter = build_queues(settings)
        store = build_store(settings)
        provider = InstantProvider()
        worker = dataclasses.replace(
            build_worker(settings, store=store), provider_for=lambda name: provider
        )
        runner = QueueRunner(queue, dead_letter, worker, wait_s=0.5)
        server = LocalServer(build_webhook(settings, queue=queue, store=store), [runner], port=0)
        server.start()
        host, port = server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(str(host), port, timeout=10)

        def post(request: HttpRequest) -> int:
            connection.request("POST", SLACK_PATH, request.body, dict(request.headers))
            response = connection.getresponse()
            response.read()
            return response.status

        try:
            view = modal_view(slack, post)
            durations = []
            for index in range(WARMUP + RUNS):
                elapsed = _one_job(slack, post, submission_request(view, "PL", index))
                if not result.check(elapsed is not None, f"pipeline: job {index} never arrived"):
                    break
                if index >= WARMUP and elapsed is not None:
                    durations.append(elapsed)
        finally:
            connection.close()
            server.stop()
    if durations:
        stats = latency(durations)
        result.figures.update({f"pipeline_{k}": v for k, v in stats.items()})
        result.rows.append(
            at_most(
                "Pipeline overhead, submission -> file on Slack, p50",
                f"p50 {stats['p50_ms']:.0f} / p95 {stats['p95_ms']:.0f} ms (n={len(durations)})",
                stats["p50_ms"],
                TARGET_P50_MS,
            )
        )
    return result


def _one_job(
    slack: FakeSlack, post: Callable[[HttpRequest], int], request: HttpRequest
) -> float | None:
    """Milliseconds from posting ``request`` to the upload completing, or None."""
    before = len(slack.calls_to(COMPLETE))
    started = time.perf_counter()
    if post(request) != 200:
        return None
    deadline = started + DEADLINE_S
    while time.perf_counter() < deadline:
        if len(slack.calls_to(COMPLETE)) > before:
            return (time.perf_counter() - started) * 1000
        time.sleep(0.001)
    return None
