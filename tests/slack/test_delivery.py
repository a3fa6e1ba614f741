"""SlackDelivery against the fake Slack Web API over real HTTP, with a real SQLite store."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from emojiforge.errors import DeliveryError
from emojiforge.images.model import Emoji
from emojiforge.jobs import EmojiSpec, Job
from emojiforge.local_files import SignedFiles
from emojiforge.slack.client import make_web_client
from emojiforge.slack.delivery import SlackDelivery
from emojiforge.store.sqlite import SQLiteJobStore
from tests.fakes.slack_api import FakeSlack

T0 = 1_780_000_000.0
PUBLIC_URL = "https://emoji.example.com"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(existing_emoji={"partyparrot"}) as fake:
        yield fake


@pytest.fixture
def enterprise() -> Iterator[FakeSlack]:
    with FakeSlack(enterprise=True) as fake:
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteJobStore]:
    jobs = SQLiteJobStore(tmp_path / "jobs.db")
    yield jobs
    jobs.close()


def make_job(store: SQLiteJobStore, **changes: Any) -> Job:
    job = Job(
        job_id="job_1",
        correlation_id="req_abc123",
        user_id="U123",
        channel_id="C789",
        emoji_spec=EmojiSpec(description="happy <!channel> dance", style="pixel"),
        timestamp="2026-12-04T10:00:00Z",
        team_id="T0ACME",
    ).with_changes(**changes)
    store.create(
        job_id=job.job_id,
        correlation_id=job.correlation_id,
        user_id=job.user_id,
        team_id=job.team_id,
        spec={"description": job.emoji_spec.description},
        at=T0,
    )
    return job


def make_emoji(color: str = "orange") -> Emoji:
    buffer = io.BytesIO()
    Image.new("RGBA", (128, 128), color).save(buffer, format="PNG")
    return Emoji(data=buffer.getvalue(), format="png", width=128, height=128, frames=1)


def make_delivery(
    fake: FakeSlack, store: SQLiteJobStore, *, token: str = "", **options: Any
) -> SlackDelivery:
    client = make_web_client(token or fake.token, fake.base_url, max_retries=2, backoff_s=0.01)
    return SlackDelivery(client, store, clock=lambda: T0 + 1, **options)


def admin_client(fake: FakeSlack) -> Any:
    return make_web_client(fake.admin_token, fake.base_url, max_retries=2, backoff_s=0.01)


@pytest.fixture
def kept(tmp_path: Path) -> SignedFiles:
    """Emoji kept where Slack could fetch them: the local server's signed files."""
    return SignedFiles(tmp_path / "kept", b"test-key", PUBLIC_URL)


def posted(fake: FakeSlack, method: str = "chat.postMessage") -> list[dict[str, Any]]:
    return [m for m in fake.messages if m["method"] == method]


def test_deliver_uploads_the_png_once_and_posts_one_message_in_the_thread(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store, thread_ts="1700000000.000100")
    emoji = make_emoji()

    result = make_delivery(slack, store).deliver(job, [("happy-dance", emoji)])

    assert len(slack.calls_to("upload")) == 1
    assert list(slack.uploads.values()) == [emoji.data]
    [shared] = posted(slack, "files.completeUploadExternal")
    assert (shared["channel"], shared["thread_ts"]) == ("C789", "1700000000.000100")
    assert "&lt;!channel&gt;" in shared["initial_comment"]
    [message] = posted(slack)
    assert (message["channel"], message["thread_ts"]) == ("C789", "1700000000.000100")
    assert {"id": result.file_ids[0]} in [b.get("slack_file") for b in message["blocks"]]
    assert (result.channel_id, result.message_ts) == ("C789", message["ts"])
    record = store.get(job.job_id)
    assert record is not None
    # Delivery records its steps (the worker sets the job's status around them).
    recorded = {e.status: e.detail for e in record.events}
    assert recorded["message"] == {"channel": "C789", "ts": message["ts"]}
    assert recorded["upload"]["file_ids"] == list(result.file_ids)


def test_delivering_the_same_job_again_makes_no_slack_calls(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store)
    delivery = make_delivery(slack, store)
    first = delivery.deliver(job, [("happy-dance", make_emoji())])
    calls_after_first = len(slack.calls)

    again = make_delivery(slack, store).deliver(job, [("happy-dance", make_emoji())])

    assert len(slack.calls) == calls_after_first
    assert again == first


def test_a_rate_limited_post_is_retried_after_retry_after_and_posted_once(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)

    make_delivery(slack, store).deliver(make_job(store), [("happy-dance", make_emoji())])

    assert len(slack.calls_to("chat.postMessage")) == 2
    assert len(posted(slack)) == 1


def test_a_channel_the_bot_is_not_in_falls_back_to_a_dm(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    slack.fail_next("files.completeUploadExternal", error="not_in_channel")
    job = make_job(store, thread_ts="1700000000.000100")

    result = make_delivery(slack, store).deliver(job, [("happy-dance", make_emoji())])

    assert result.channel_id == "D123"
    [shared] = posted(slack, "files.completeUploadExternal")
    [message] = posted(slack)
    assert shared["channel"] == message["channel"] == "D123"
    assert "thread_ts" not in message


def test_a_job_without_a_channel_is_delivered_by_dm(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store, channel_id=None)

    result = make_delivery(slack, store).deliver(job, [("happy-dance", make_emoji())])

    assert [c.params["users"] for c in slack.calls_to("conversations.open")] == ["U123"]
    assert result.channel_id == "D123"


def test_several_options_are_uploaded_in_order_each_with_a_pick_button(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    emojis = [("dance", make_emoji("red")), ("dance-2", make_emoji("blue"))]

    result = make_delivery(slack, store).deliver(make_job(store), emojis)

    assert [slack.uploads[f] for f in result.file_ids] == [e.data for _, e in emojis]
    [message] = posted(slack)
    buttons = [b["accessory"] for b in message["blocks"] if "accessory" in b]
    picks = [b["value"] for b in buttons if b["action_id"] == "emoji_pick"]
    assert picks == ["job_1:0", "job_1:1"]


def test_enterprise_adds_the_emoji_by_url_and_reacts_to_the_message(
    enterprise: FakeSlack, store: SQLiteJobStore, kept: SignedFiles
) -> None:
    job = make_job(store, message_ts="1700000000.000200")
    delivery = make_delivery(
        enterprise, store, admin_client=admin_client(enterprise), kept_options=kept
    )
    emoji = make_emoji()

    result = delivery.deliver(job, [("happy-dance", emoji)])

    assert list(enterprise.added_emoji) == ["happy-dance"]
    url = enterprise.added_emoji["happy-dance"]
    assert url.startswith(f"{PUBLIC_URL}/files/")
    [kept_file] = (kept.folder).iterdir()
    assert kept_file.read_bytes() == emoji.data
    assert kept_file.name in url
    assert enterprise.reactions == [
        {"channel": "C789", "timestamp": "1700000000.000200", "name": "happy-dance"}
    ]
    assert (result.added_as, result.reacted) == ("happy-dance", True)
    assert "customize/emoji" not in json.dumps(posted(enterprise)[0]["blocks"])


def test_without_enterprise_the_message_links_to_the_customize_page(
    slack: FakeSlack, store: SQLiteJobStore, kept: SignedFiles
) -> None:
    delivery = make_delivery(slack, store, admin_client=admin_client(slack), kept_options=kept)

    result = delivery.deliver(make_job(store), [("happy-dance", make_emoji())])

    assert slack.added_emoji == {}
    assert result.added_as is None
    assert "https://acme.slack.com/customize/emoji" in json.dumps(posted(slack)[0]["blocks"])


def test_notify_failure_twice_tells_the_user_once_with_the_reference(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store, view_id="V1")
    delivery = make_delivery(slack, store)

    delivery.notify_failure(job, "the image service is down")
    delivery.notify_failure(job, "the image service is down")

    [notice] = posted(slack, "chat.postEphemeral")
    assert (notice["channel"], notice["user"]) == ("C789", "U123")
    assert "reference: req_abc123" in notice["text"]
    assert "req_abc123" in json.dumps(slack.views["V1"])


def test_notify_failure_without_a_channel_sends_a_dm(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    make_delivery(slack, store).notify_failure(make_job(store, channel_id=None), "no luck")

    [notice] = posted(slack)
    assert notice["channel"] == "D123"
    assert "reference: req_abc123" in notice["text"]


def test_notify_failure_never_raises_and_tries_again_next_time(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store)
    slack.fail_next("chat.postEphemeral", status=500, times=3)
    delivery = make_delivery(slack, store)

    delivery.notify_failure(job, "no luck")
    assert posted(slack, "chat.postEphemeral") == []

    delivery.notify_failure(job, "no luck")
    assert len(posted(slack, "chat.postEphemeral")) == 1


def test_server_errors_after_retries_are_retryable(slack: FakeSlack, store: SQLiteJobStore) -> None:
    slack.fail_next("files.getUploadURLExternal", status=500, times=3)

    with pytest.raises(DeliveryError) as raised:
        make_delivery(slack, store).deliver(make_job(store), [("happy-dance", make_emoji())])

    assert (raised.value.retryable, raised.value.reason) == (True, "http_500")
    assert len(slack.calls_to("files.getUploadURLExternal")) == 3


def test_an_invalid_token_is_not_retryable(slack: FakeSlack, store: SQLiteJobStore) -> None:
    delivery = make_delivery(slack, store, token="xoxb-revoked")

    with pytest.raises(DeliveryError) as raised:
        delivery.deliver(make_job(store), [("happy-dance", make_emoji())])

    assert (raised.value.retryable, raised.value.reason) == (False, "invalid_auth")


def test_progress_updates_the_modal_and_ignores_a_closed_one(
    slack: FakeSlack, store: SQLiteJobStore
) -> None:
    job = make_job(store, view_id="V1")
    delivery = make_delivery(slack, store)

    delivery.progress(job, "generating")
    assert "Generating…" in json.dumps(slack.views["V1"], ensure_ascii=False)

    slack.fail_next("views.update", error="not_found")
    delivery.progress(job, "delivering")  # must not raise
    assert len(slack.calls_to("views.update")) == 2


def test_existing_emoji_names_come_from_emoji_list(slack: FakeSlack, store: SQLiteJobStore) -> None:
    assert make_delivery(slack, store).existing_emoji_names(make_job(store)) == {"partyparrot"}
