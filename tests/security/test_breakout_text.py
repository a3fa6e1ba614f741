"""Text a person types never pings a channel, forges markup or picks a file path.

End to end: the description goes in through a signed submission, the worker
runs, and every message Slack actually received is checked. Plus a property
over the pure message builders for any text at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emojiforge.errors import InvalidInput
from emojiforge.jobs import EmojiSpec, Job, parse_job
from emojiforge.slack import messages
from tests.slack_payloads import signed, slash_command, submission

HOSTILE = {
    "mentions": "<!channel> <!here> <@U0BOSS> <#C0ALL|general> <!subteam^S123> ship it",
    "links": "<https://evil.example|click me> and <mailto:a@b.c>",
    "mrkdwn": "*bold* _it_ ~gone~ `code` ```block``` > quote &amp; &lt;!channel&gt;",
    "long": "lgtm " * 100,
    "non-latin": "日本語の絵文字 ✨ مرحبا שלום 👩\u200d👩\u200d👧 e\u0301 Ωμέγα",
    "control": "a\x00b\x07c\x1b[31mred\u202eevil\u200b\ufeff\r\nnext",
    "paths": "../../etc/passwd ..\\..\\windows\\system32 /dev/null ~/.ssh/id_rsa",
}
# A file name Slack receives: a valid emoji name and an image extension, nothing else.
SAFE_FILENAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,60}\.(png|gif)$")


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every string Slack would parse as mrkdwn: top-level text, comments, mrkdwn objects."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
            yield value["text"]
        for key, inner in value.items():
            if key in {"text", "initial_comment"} and isinstance(inner, str):
                yield inner
            elif isinstance(inner, dict | list):
                yield from mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner)


def assert_no_markup_escapes(texts: list[str]) -> None:
    assert texts, "nothing was checked"
    for text in texts:
        # Slack's mentions, links and channel names all start with '<'.
        assert "<" not in text, text
        assert ">" not in text, text


@pytest.mark.parametrize("description", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_hostile_description_is_shown_as_text_everywhere(local_system, description):
    slack = local_system.slack
    local_system.webhook.handle(signed(slash_command("x")))
    view = slack.calls_to("views.open")[-1].params["view"]
    response = local_system.webhook.handle(
        signed(submission(view, view_id="VHOSTILE", description=description[:500]))
    )
    assert response.status == 200
    assert json.loads(response.body)["response_action"] == "update"
    local_system.runner.drain()

    [record] = local_system.store.list()
    assert record.status in {"delivered", "failed"}
    sent = [m for m in slack.messages] + [c.params for c in slack.calls_to("views.update")]
    sent += [payload for _, payload in slack.response_posts]
    assert_no_markup_escapes([text for message in sent for text in mrkdwn_texts(message)])
    for call in slack.calls_to("files.getUploadURLExternal"):
        assert SAFE_FILENAME.match(call.params["filename"]), call.params["filename"]
    for call in slack.calls_to("files.completeUploadExternal"):
        for file in call.params["files"]:
            assert re.fullmatch(r":[a-z0-9_-]+:", file["title"]), file["title"]
    if record.status == "failed":  # refused is fine, but the person is told, once
        notices = slack.calls_to("chat.postEphemeral") + slack.calls_to("chat.postMessage")
        assert len(notices) == 1


@pytest.mark.parametrize("name", ["../evil", "<!channel>", "a/b", "con.png", "x" * 49, "é-moji"])
def test_a_hostile_emoji_name_is_refused_in_the_modal(local_system, name):
    local_system.webhook.handle(signed(slash_command("x")))
    view = local_system.slack.calls_to("views.open")[-1].params["view"]
    response = local_system.webhook.handle(
        signed(submission(view, view_id="VNAME", description="ship it", name=name))
    )
    assert json.loads(response.body)["response_action"] == "errors"
    assert local_system.queue.approximate_depth() == (0, 0)


@pytest.mark.parametrize("name", ["../../etc/passwd", "<!channel>", "a\x00b", "UPPER/../x"])
def test_a_job_on_the_queue_with_a_path_like_name_is_refused_by_the_parser(name):
    job = {
        "job_id": "job_x",
        "correlation_id": "req_x",
        "user_id": "U1",
        "channel_id": None,
        "emoji_spec": {"description": "ship it", "name": name},
        "timestamp": "2024-01-15T10:30:00Z",
    }
    with pytest.raises(InvalidInput) as refused:
        parse_job(json.dumps(job))
    assert refused.value.field == "emoji_spec.name"


def job_with(description: str, name: str = "ship-it") -> Job:
    return Job(
        job_id="job_V1",
        correlation_id="req_1",
        user_id="U1",
        channel_id="C1",
        emoji_spec=EmojiSpec(description=description, name=name),
        timestamp="2024-01-15T10:30:00Z",
    )


@settings(max_examples=150, deadline=None)
@given(description=st.text(min_size=1, max_size=600), user_message=st.text(max_size=300))
def test_no_text_at_all_survives_unescaped_in_any_message_builder(description, user_message):
    job = job_with(description)
    built: list[Any] = [
        messages.result_blocks(
            job,
            ["ship-it", "ship-it-2"],
            ["F1"],
            can_add_to_workspace=False,
            customize_url="https://acme.slack.com/customize/emoji",
        ),
        {"text": messages.result_text(job, ["ship-it"])},
        {"text": messages.upload_comment(job)},
        {"text": messages.failure_text(user_message, job.correlation_id)},
        messages.progress_view(job, "generating"),
        messages.failure_view(job, user_message),
    ]
    texts = [text for block in built for text in mrkdwn_texts(block)]
    for text in texts:
        assert "<" not in text
        assert ">" not in text
        assert len(text) <= messages.MAX_SECTION_TEXT
