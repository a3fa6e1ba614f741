"""Picking one of several options: on Enterprise it is added to the workspace
(and put on the message when asked); elsewhere the person gets instructions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from emojiforge.local_files import SignedFiles
from emojiforge.queues.sqlite import SQLiteQueue
from emojiforge.runner import QueueRunner
from emojiforge.store.base import JobRecord, JobStore
from emojiforge.webhook import HttpRequest, Webhook
from emojiforge.wiring import (
    build_kept_options,
    build_queues,
    build_signed_files,
    build_store,
    build_webhook,
    build_worker,
)
from tests.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import block_action, message_shortcut, signed, slash_command, submission

MESSAGE_TS = "1733300000.000100"


@dataclass
class System:
    slack: FakeSlack
    webhook: Webhook
    store: JobStore
    queue: SQLiteQueue
    runner: QueueRunner
    files: SignedFiles | None


def build(tmp_path: Path, slack: FakeSlack, **extra: str) -> Iterator[System]:
    settings = make_settings(tmp_path, slack, **extra)
    queue, dead_letter = build_queues(settings)
    assert isinstance(queue, SQLiteQueue)
    store = build_store(settings)
    worker = build_worker(
        settings,
        store=store,
        kept_options=build_kept_options(settings),
    )
    yield System(
        slack,
        build_webhook(settings, queue=queue, store=store),
        store,
        queue,
        QueueRunner(queue, dead_letter, worker, wait_s=0),
        build_signed_files(settings),
    )


@pytest.fixture
def enterprise(tmp_path: Path) -> Iterator[System]:
    with FakeSlack(enterprise=True) as slack:
        yield from build(
            tmp_path,
            slack,
            SLACK_ADMIN_TOKEN=slack.admin_token,
            EMOJIFORGE_PUBLIC_URL="https://emoji.example.com",
        )


@pytest.fixture
def standard(tmp_path: Path) -> Iterator[System]:
    with FakeSlack() as slack:
        yield from build(tmp_path, slack)


def make_two_options(system: System, *, from_message: bool = False) -> JobRecord:
    if from_message:
        system.webhook.handle(signed(message_shortcut("ship it", ts=MESSAGE_TS)))
    else:
        system.webhook.handle(signed(slash_command("ship it")))
    view = system.slack.calls_to("views.open")[-1].params["view"]
    system.webhook.handle(signed(submission(view, style="text", options="2")))
    assert system.runner.drain() == 1
    [record] = system.store.list()
    assert record.status == "delivered"
    return record


def pick(system: System, record: JobRecord, index: int, *, click: str = "1") -> None:
    action = block_action(
        "emoji_pick",
        f"{record.job_id}:{index}",
        action_ts=f"1733300001.00020{click}",
        response_url=system.slack.response_url(f"pick{click}"),
    )
    assert system.webhook.handle(signed(action)).status == 200


def event(record: JobRecord, status: str) -> dict[str, Any]:
    return dict(next(e.detail for e in record.events if e.status == status))


def fetch(files: SignedFiles, url: str) -> bytes:
    """GET ``url`` through the local server's signed-files route."""
    parts = urlsplit(url)
    response = files.serve("GET", parts.path, HttpRequest(b"", {}, parts.query))
    assert response is not None
    assert response.status == 200
    assert isinstance(response.body, bytes)
    return response.body


def test_on_enterprise_the_picked_option_is_added_and_the_picker_told(enterprise):
    record = make_two_options(enterprise)
    upload = event(record, "upload")
    kept = event(record, "options-kept")["options"]
    assert [option["index"] for option in kept] == [0, 1]
    assert not enterprise.slack.added_emoji  # several options: nothing added until a pick

    pick(enterprise, record, 1)
    assert "Adding" in enterprise.slack.response_posts[-1][1]["text"]
    assert enterprise.runner.drain() == 1

    second_name = kept[1]["name"]
    assert list(enterprise.slack.added_emoji) == [second_name]
    assert enterprise.files is not None
    served = fetch(enterprise.files, enterprise.slack.added_emoji[second_name])
    assert served == enterprise.slack.uploads[upload["file_ids"][1]]
    assert served != enterprise.slack.uploads[upload["file_ids"][0]]
    told = enterprise.slack.response_posts[-1][1]
    assert told["text"] == f":{second_name}: is now in the workspace. Try it!"
    assert told["response_type"] == "ephemeral"
    assert not enterprise.slack.reactions  # not asked to react


def test_a_second_click_adds_nothing_more_and_tells_nothing_twice(enterprise):
    record = make_two_options(enterprise)
    pick(enterprise, record, 1, click="1")
    pick(enterprise, record, 1, click="2")
    assert enterprise.queue.approximate_depth() == (1, 0)
    enterprise.runner.drain()
    pick(enterprise, record, 1, click="3")  # after it was added
    enterprise.runner.drain()
    assert len(enterprise.slack.calls_to("admin.emoji.add")) == 1
    added_notes = [p for _, p in enterprise.slack.response_posts if "now in" in p["text"]]
    assert len(added_notes) == 1


def test_a_pick_costs_no_quota(tmp_path):
    with FakeSlack(enterprise=True) as slack:
        [system] = build(
            tmp_path,
            slack,
            SLACK_ADMIN_TOKEN=slack.admin_token,
            EMOJIFORGE_PUBLIC_URL="https://emoji.example.com",
            EMOJIFORGE_DAILY_QUOTA="1",
        )
        record = make_two_options(system)
        pick(system, record, 0)
        system.runner.drain()
        assert list(slack.added_emoji) == [event(record, "options-kept")["options"][0]["name"]]


def test_a_pick_reacts_on_the_message_when_the_person_asked(enterprise):
    record = make_two_options(enterprise, from_message=True)
    pick(enterprise, record, 0)
    enterprise.runner.drain()
    name = event(record, "options-kept")["options"][0]["name"]
    assert enterprise.slack.reactions == [
        {"channel": record.spec["channel_id"], "timestamp": MESSAGE_TS, "name": name}
    ]


def test_a_refused_add_is_told_once_in_plain_words(enterprise):
    record = make_two_options(enterprise)
    name = event(record, "options-kept")["options"][1]["name"]
    enterprise.slack.emoji[name] = "https://taken.example/x.png"  # someone took it meanwhile
    pick(enterprise, record, 1)
    enterprise.runner.drain()
    assert not enterprise.slack.added_emoji
    told = enterprise.slack.response_posts[-1][1]["text"]
    assert "couldn't add" in told
    assert "name is taken" in told
    assert "customize/emoji" in told
    assert enterprise.queue.approximate_depth() == (0, 0)


def test_without_enterprise_a_pick_gives_instructions_and_adds_nothing(standard):
    record = make_two_options(standard)
    assert not any(e.status == "options-kept" for e in record.events)
    pick(standard, record, 1)
    assert standard.queue.approximate_depth() == (0, 0)
    assert not standard.slack.calls_to("admin.emoji.add")
    told = standard.slack.response_posts[-1][1]["text"]
    assert "Option 2 it is!" in told
    assert "Customize workspace" in told
