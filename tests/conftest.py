"""Shared fixtures: the whole local system wired against a fake Slack."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.runner import QueueRunner
from emojiforge.settings import Settings
from emojiforge.store.sqlite import SQLiteJobStore
from emojiforge.webhook import Webhook
from emojiforge.wiring import build_queues, build_store, build_webhook, build_worker
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET

# Every log line of the suite is scanned for secrets (tests/security/log_scan.py).
pytest_plugins = ("tests.security.log_scan",)


@dataclass
class LocalSystem:
    settings: Settings
    slack: FakeSlack
    webhook: Webhook
    queue: SQLiteQueue
    dead_letter: SQLiteQueue
    store: SQLiteJobStore
    runner: QueueRunner


def make_settings(tmp_path: Path, slack: FakeSlack, **extra: str) -> Settings:
    env = {
        "EMOJIFORGE_DATA_DIR": str(tmp_path / "data"),
        "EMOJIFORGE_OUT_DIR": str(tmp_path / "out"),
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_API_URL": slack.base_url,
        "EMOJIFORGE_WORKSPACE_URL": "https://acme.slack.com",
        **extra,
    }
    return Settings.from_env(env)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(existing_emoji={"partyparrot", "lgtm"}) as slack:
        yield slack


@pytest.fixture
def local_system(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[LocalSystem]:
    settings = make_settings(tmp_path, fake_slack)
    queue, dead_letter = build_queues(settings)
    store = build_store(settings)
    assert isinstance(queue, SQLiteQueue)
    assert isinstance(dead_letter, SQLiteQueue)
    assert isinstance(store, SQLiteJobStore)
    webhook = build_webhook(settings, queue=queue, store=store)
    worker = build_worker(settings, store=store)
    runner = QueueRunner(queue, dead_letter, worker, wait_s=0)
    yield LocalSystem(settings, fake_slack, webhook, queue, dead_letter, store, runner)
    queue.close()
    dead_letter.close()
    store.close()
