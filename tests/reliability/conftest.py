"""The worker side wired for fault tests: real SQLite queue and store on a
fake clock (so a visibility timeout passes without waiting for it), the real
Slack delivery against a fake Slack, and any provider."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emojiforge.images.model import ImageProvider
from emojiforge.images.offline import OfflineProvider
from emojiforge.images.pipeline import make_options
from emojiforge.intake import JobIntake
from emojiforge.jobs import EmojiSpec, Job
from emojiforge.logs import ContextFilter, JsonFormatter
from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.quotas import QuotaLimits
from emojiforge.runner import RETRY_BACKOFF_S, QueueRunner
from emojiforge.slack.client import make_web_client
from emojiforge.slack.delivery import SlackDelivery
from emojiforge.store.sqlite import SQLiteJobStore
from emojiforge.worker import Worker

# moto's server for the Lambda tests here, shared with tests/aws (one per xdist worker).
from tests.aws.conftest import aws_endpoint as aws_endpoint
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import CHANNEL, TEAM, USER

MAX_RECEIVES = 3


class FakeClock:
    def __init__(self, start: float = 1_765_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Pipeline:
    queue: SQLiteQueue
    dead_letter: SQLiteQueue
    store: SQLiteJobStore
    runner: QueueRunner
    intake: JobIntake
    clock: FakeClock
    slack: FakeSlack

    def after_visibility_timeout(self) -> None:
        """Let every hidden message become visible again (the longest runner back-off)."""
        self.clock.advance(max(self.queue.visibility_timeout_s, *RETRY_BACKOFF_S) + 1)

    def results(self) -> list[dict[str, Any]]:
        """Result messages actually posted (the ones carrying the emoji blocks)."""
        return [
            m for m in self.slack.messages if m["method"] == "chat.postMessage" and m.get("blocks")
        ]

    def notices(self) -> list[dict[str, Any]]:
        """Failure notices actually posted to the person."""
        return [
            m
            for m in self.slack.messages
            if m["method"] == "chat.postEphemeral"
            or (m["method"] == "chat.postMessage" and not m.get("blocks"))
        ]


def make_job(n: int = 1, *, user: str = USER, description: str = "ship it") -> Job:
    return Job(
        job_id=f"job_V{n:04d}",
        correlation_id=f"req_{n:016x}",
        user_id=user,
        channel_id=CHANNEL,
        emoji_spec=EmojiSpec(description=description, style="text"),
        timestamp="2026-01-15T10:30:00Z",
        team_id=TEAM,
    )


def build_pipeline(
    tmp_path: Path,
    slack: FakeSlack,
    provider_for: Callable[[str | None], ImageProvider] = lambda _: OfflineProvider(),
) -> Pipeline:
    clock = FakeClock()
    path = tmp_path / "queue.sqlite3"
    dead_letter = SQLiteQueue(path, "dlq", clock=clock)
    queue = SQLiteQueue(
        path,
        "jobs",
        visibility_timeout_s=60,
        max_receives=MAX_RECEIVES,
        dead_letter=dead_letter,
        clock=clock,
    )
    store = SQLiteJobStore(tmp_path / "jobs.sqlite3")
    # Tiny back-off between Slack's own 5xx retries; 429s still wait Retry-After.
    client = make_web_client(slack.token, slack.base_url, backoff_s=0.01)
    delivery = SlackDelivery(client, store, workspace_url="https://acme.slack.com", clock=clock)
    worker = Worker(
        store, delivery, provider_for, make_options, max_receives=MAX_RECEIVES, clock=clock
    )
    runner = QueueRunner(queue, dead_letter, worker, wait_s=0)
    intake = JobIntake(queue, store, limits=QuotaLimits(), clock=clock)
    return Pipeline(queue, dead_letter, store, runner, intake, clock, slack)


@pytest.fixture
def pipeline(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Pipeline]:
    built = build_pipeline(tmp_path, fake_slack)
    yield built
    built.queue.close()
    built.dead_letter.close()
    built.store.close()


@pytest.fixture
def json_logs() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON lines production would print, as parsed objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("emojiforge")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    logger.setLevel(level)
    logger.removeHandler(handler)
