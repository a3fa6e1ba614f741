"""End to end through the running local server: real HTTP in, worker threads, fake Slack out."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from emojiforge.runner import QueueRunner
from emojiforge.server import LocalServer
from emojiforge.webhook import HttpRequest
from emojiforge.wiring import build_queues, build_store, build_webhook, build_worker
from tests.conftest import make_settings
from tests.fakes.openai_api import MODERATION_BLOCKED, FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import CHANNEL, message_shortcut, signed, slash_command, submission


def post(url: str, request: HttpRequest) -> tuple[int, str]:
    req = urllib.request.Request(url, data=request.body, headers=dict(request.headers))
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def eventually(check: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


class Running:
    def __init__(self, tmp_path: Path, slack: FakeSlack, **env: str) -> None:
        settings = make_settings(tmp_path, slack, **env)
        self.queue, dead_letter = build_queues(settings)
        self.store = build_store(settings)
        webhook = build_webhook(settings, queue=self.queue, store=self.store)
        worker = build_worker(settings, store=self.store)
        runner = QueueRunner(self.queue, dead_letter, worker, wait_s=0.2)
        self.server = LocalServer(webhook, [runner], port=0)
        self.url = ""

    def __enter__(self) -> Running:
        self.server.start()
        self.url = self.server.url + "/slack/events"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


@pytest.fixture
def running(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Running]:
    with Running(tmp_path, fake_slack) as system:
        yield system


def test_slash_command_to_posted_emoji_over_http(running, fake_slack):
    status, _ = post(running.url, signed(slash_command("ship it")))
    assert status == 200
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    status, body = post(running.url, signed(submission(view, style="text", name="shipit")))
    assert status == 200
    assert json.loads(body)["response_action"] == "update"

    eventually(lambda: running.store.list()[0].status == "delivered")
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    files = complete.params["files"]
    assert files[0]["title"].startswith("shipit") or "shipit" in json.dumps(files)
    assert complete.params["channel_id"] == CHANNEL
    assert len(fake_slack.uploads) == 1


def test_message_shortcut_result_lands_in_the_thread_of_that_message(running, fake_slack):
    post(running.url, signed(message_shortcut("ship it!", ts="1733300000.000100")))
    view = fake_slack.calls_to("views.open")[-1].params["view"]
    post(running.url, signed(submission(view, style="text")))
    eventually(lambda: running.store.list()[0].status == "delivered")
    [complete] = fake_slack.calls_to("files.completeUploadExternal")
    assert complete.params["thread_ts"] == "1733300000.000100"


def test_bad_signature_over_http_is_401_and_nothing_is_queued(running, fake_slack):
    forged = signed(slash_command("x"), secret="wrong")
    status, _ = post(running.url, forged)
    assert status == 401
    assert running.queue.approximate_depth() == (0, 0)
    assert not fake_slack.calls


def test_a_refusing_provider_tells_the_user_once_in_plain_words(tmp_path, fake_slack):
    with FakeOpenAI(script=[MODERATION_BLOCKED] * 5) as openai_fake:
        env = {"OPENAI_API_KEY": openai_fake.api_key, "OPENAI_BASE_URL": openai_fake.base_url}
        with Running(tmp_path, fake_slack, **env) as system:
            post(system.url, signed(slash_command("something edgy")))
            view = fake_slack.calls_to("views.open")[-1].params["view"]
            post(system.url, signed(submission(view, provider="openai")))
            eventually(lambda: system.store.list()[0].status == "failed")
            time.sleep(0.5)  # room for a wrong second notice to show up
            record = system.store.list()[0]
            assert record.reason == "moderation_blocked"
            notices = [
                c
                for c in fake_slack.calls
                if c.method in {"chat.postEphemeral", "chat.postMessage"}
            ]
            assert len(notices) == 1
            text = notices[0].params["text"]
            assert record.correlation_id in text
            assert "RAW-API-TEXT" not in text
            assert len(openai_fake.image_requests) == 1  # a refusal is not retried
            assert system.queue.approximate_depth() == (0, 0)


def test_a_styled_openai_emoji_is_delivered_within_slack_limits(tmp_path, fake_slack):
    from io import BytesIO

    from PIL import Image

    with FakeOpenAI(opaque_only_models={"gpt-image-1.5"}) as openai_fake:
        env = {"OPENAI_API_KEY": openai_fake.api_key, "OPENAI_BASE_URL": openai_fake.base_url}
        with Running(tmp_path, fake_slack, **env) as system:
            post(system.url, signed(slash_command("a happy taco")))
            view = fake_slack.calls_to("views.open")[-1].params["view"]
            post(system.url, signed(submission(view, style="pixel", effect="party")))
            eventually(lambda: system.store.list()[0].status == "delivered")
            [prompt] = [r["prompt"] for r in openai_fake.image_requests][-1:]
            assert "pixel" in prompt.lower()
            [data] = fake_slack.uploads.values()
            image = Image.open(BytesIO(data))
            assert image.size == (128, 128)
            assert len(data) < 131_072
            assert getattr(image, "n_frames", 1) > 1
            comment = fake_slack.calls_to("files.completeUploadExternal")[0].params
            assert "OpenAI" in json.dumps(comment)
            record = system.store.list()[0]
            assert record.provider == "openai"
            assert record.cost_usd > 0


def test_text_style_is_drawn_offline_even_when_an_ai_provider_is_configured(tmp_path, fake_slack):
    with FakeOpenAI() as openai_fake:
        env = {"OPENAI_API_KEY": openai_fake.api_key, "OPENAI_BASE_URL": openai_fake.base_url}
        with Running(tmp_path, fake_slack, **env) as system:
            post(system.url, signed(slash_command("lgtm")))
            view = fake_slack.calls_to("views.open")[-1].params["view"]
            post(system.url, signed(submission(view, style="text", provider="openai")))
            eventually(lambda: system.store.list()[0].status == "delivered")
            assert openai_fake.image_requests == []  # letters come from the font
            assert system.store.list()[0].provider == "offline"
