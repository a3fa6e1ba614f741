"""Load on the local server: signed Slack requests over loopback HTTP.

A mix of slash commands (each opens the modal on a fake Slack), modal
submissions with distinct view ids, and replays of submissions already sent
(a double click, a retried delivery). Reports ack time (p50/p99; Slack gives
up after 3 s) and checks the two promises: every distinct submission is one
job in the store and one message on the queue (0 lost), and no submission is
two (0 duplicated). No worker runs, so the queue holds exactly what arrived.

Run with ``python -m bench.load [requests] [concurrency]`` (default 1000 50).
"""

from __future__ import annotations

import json
import multiprocessing
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import CHANNEL, SIGNING_SECRET, TEAM, signed, slash_command, submission

from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.server import LocalServer
from emojiforge.settings import Settings
from emojiforge.slack.modal import ModalContext, emoji_modal
from emojiforge.store.sqlite import SQLiteJobStore
from emojiforge.wiring import build_queues, build_store, build_webhook

USERS = 100  # spread over many people, as in a workspace (and under the daily quota)
SLACK_ACK_LIMIT_MS = 3000.0


def plan(n: int) -> list[tuple[str, bytes]]:
    """``n`` requests: about 30% slash commands, 60% new submissions, 10% replays."""
    view = emoji_modal(ModalContext(origin="command", team_id=TEAM, channel_id=CHANNEL))
    requests: list[tuple[str, bytes]] = []
    submitted: list[tuple[str, bytes]] = []
    for i in range(n):
        kind = i % 10
        if kind < 3:
            requests.append(("command", slash_command(f"load {i}", trigger=f"trig-{i}")))
        elif kind == 9 and submitted:
            requests.append(submitted[(i * 7) % len(submitted)])  # a replay
        else:
            view_id = f"VLOAD{i:06d}"
            body = submission(
                view,
                view_id=view_id,
                user=f"U{i % USERS:04d}",
                style="text",
                description=f"load test {i}",
            )
            submitted.append((view_id, body))
            requests.append((view_id, body))
    return requests


def _post(url: str, body: bytes) -> tuple[int, float, str]:
    request = signed(body)  # signed when sent: the timestamp is fresh
    req = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
        url, data=request.body, headers=dict(request.headers)
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
            text = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        status, text = error.code, ""
    return status, (time.perf_counter() - started) * 1000, text


def _drive(url: str, bodies: list[bytes], concurrency: int) -> list[tuple[int, float, str]]:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda body: _post(url, body), bodies))


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(n: int = 1000, concurrency: int = 50, *, quiet: bool = False) -> dict[str, float]:
    with FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {
                "EMOJIFORGE_DATA_DIR": str(Path(tmp) / "data"),
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_BOT_TOKEN": slack.token,
                "SLACK_API_URL": slack.base_url,
                "EMOJIFORGE_WORKSPACE_URL": "https://acme.slack.com",
                "EMOJIFORGE_LOG_LEVEL": "WARNING",
            }
        )
        queue, dead_letter = build_queues(settings)
        store = build_store(settings)
        assert isinstance(queue, SQLiteQueue)
        assert isinstance(store, SQLiteJobStore)
        server = LocalServer(build_webhook(settings, queue=queue, store=store), [], port=0)
        server.start()
        requests = plan(n)
        url = server.url + "/slack/events"
        started = time.perf_counter()
        try:
            # The clients run in a process of their own, as Slack's would: in this
            # one they would compete with the server for the interpreter lock.
            spawn = multiprocessing.get_context("spawn")  # no fork of a threaded process
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as clients:
                answers = clients.submit(
                    _drive, url, [body for _, body in requests], concurrency
                ).result()
        finally:
            elapsed = time.perf_counter() - started
            server.stop()
        expected = {f"job_{key}" for key, _ in requests if key != "command"}
        queued = Counter(json.loads(m.body)["job_id"] for m in queue.peek(limit=10 * n))
        stored = Counter(record.job_id for record in store.list(limit=10 * n))
        views_opened = len(slack.calls_to("views.open"))
        queue.close()
        store.close()
        dead_letter.close()  # type: ignore[attr-defined]
    ack_ms = [ms for _, ms, _ in answers]
    refused = sum(
        key != "command" and '"update"' not in text
        for (key, _), (_, _, text) in zip(requests, answers, strict=True)
    )
    figures = {
        "requests": float(n),
        "concurrency": float(concurrency),
        "throughput_rps": n / elapsed,
        "ack_p50_ms": statistics.median(ack_ms),
        "ack_p99_ms": _percentile(ack_ms, 0.99),
        "ack_max_ms": max(ack_ms),
        "p99_vs_slack_limit": _percentile(ack_ms, 0.99) / SLACK_ACK_LIMIT_MS,
        "non_200": float(sum(status != 200 for status, _, _ in answers)),
        "refused_submissions": float(refused),
        "distinct_submissions": float(len(expected)),
        "modals_opened": float(views_opened),
        "lost_jobs": float(len(expected - set(queued)) + len(expected - set(stored))),
        "duplicated_jobs": float(
            sum(count - 1 for count in queued.values())
            + len(set(queued) - expected)
            + sum(count - 1 for count in stored.values())
            + len(set(stored) - expected)
        ),
    }
    if not quiet:
        for name, value in figures.items():
            print(f"{name:>22}: {value:,.2f}")
    return figures


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    run(*arguments)
