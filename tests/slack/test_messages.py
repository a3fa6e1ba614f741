"""Block Kit messages and views: escaping and Slack's length limits. Pure, no fakes."""

from __future__ import annotations

import json
from typing import Any

from emojiforge.jobs import EmojiSpec, Job
from emojiforge.slack import messages
from emojiforge.slack.messages import (
    escape,
    escape_clipped,
    failure_text,
    progress_view,
    result_blocks,
    result_text,
)

CUSTOMIZE = "https://acme.slack.com/customize/emoji"


def make_job(description: str = "happy dance", **changes: Any) -> Job:
    job = Job(
        job_id="job_1",
        correlation_id="req_abc123",
        user_id="U123",
        channel_id="C789",
        emoji_spec=EmojiSpec(description=description, style="pixel"),
        timestamp="2026-12-04T10:00:00Z",
    )
    return job.with_changes(**changes)


def texts(value: Any) -> list[str]:
    """Every "text" string anywhere inside blocks or a view."""
    if isinstance(value, dict):
        found = [value["text"]] if isinstance(value.get("text"), str) else []
        return found + [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def mrkdwn(value: Any) -> list[str]:
    """The texts Slack parses for mentions and links (plain_text never pings)."""
    if isinstance(value, dict):
        found = [value["text"]] if value.get("type") == "mrkdwn" else []
        return found + [t for v in value.values() for t in mrkdwn(v)]
    if isinstance(value, list):
        return [t for v in value for t in mrkdwn(v)]
    return []


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    for block in blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
    return found


def test_escape_neutralises_mentions_and_ampersands() -> None:
    assert escape("<!channel> hi <@U123> & <#C1>") == (
        "&lt;!channel&gt; hi &lt;@U123&gt; &amp; &lt;#C1&gt;"
    )
    assert escape("&lt;") == "&amp;lt;"  # a typed entity shows as typed


def test_user_text_in_every_block_is_escaped() -> None:
    job = make_job("<!channel> party for <@U999> & friends")
    blocks = result_blocks(
        job, ["party"], ["F1"], can_add_to_workspace=False, customize_url=CUSTOMIZE
    )
    everything = " ".join(
        [*mrkdwn(blocks), *mrkdwn(progress_view(job, "generating")), result_text(job, ["party"])]
    )
    assert "<!channel>" not in everything
    assert "<@U999>" not in everything
    assert "&lt;!channel&gt;" in everything


def test_escape_clipped_never_cuts_an_entity_in_half() -> None:
    clipped = escape_clipped("&" * 100, 10)
    assert len(clipped) <= 10
    assert clipped == "&amp;" + "…"


def test_failure_text_names_the_reason_and_the_reference() -> None:
    text = failure_text("the image service is down.", "req_abc123")
    assert text == (
        "Sorry, I couldn't make that emoji: the image service is down. (reference: req_abc123)"
    )
    assert "<!here>" not in failure_text("<!here> boom", "req_1")


def test_result_offers_each_option_with_a_pick_button_and_the_other_actions() -> None:
    blocks = result_blocks(
        make_job(),
        ["happy-dance", "happy-dance-2"],
        ["F1", "F2"],
        can_add_to_workspace=True,
        customize_url=CUSTOMIZE,
    )
    images = [b for b in blocks if b["type"] == "image"]
    assert [i["slack_file"] for i in images] == [{"id": "F1"}, {"id": "F2"}]
    by_action = [(b["action_id"], b["value"]) for b in buttons(blocks)]
    assert by_action == [
        ("emoji_pick", "job_1:0"),
        ("emoji_pick", "job_1:1"),
        ("emoji_regenerate", "job_1"),
        ("emoji_another_style", "job_1"),
    ]
    assert any("`:happy-dance-2:`" in t for t in texts(blocks))
    assert CUSTOMIZE not in json.dumps(blocks)


def test_result_links_to_the_customize_page_when_the_api_cannot_add_emoji() -> None:
    blocks = result_blocks(
        make_job(), ["happy-dance"], ["F1"], can_add_to_workspace=False, customize_url=CUSTOMIZE
    )
    assert CUSTOMIZE in [b.get("url") for b in buttons(blocks)]


def test_result_says_when_the_emoji_was_added() -> None:
    blocks = result_blocks(
        make_job(),
        ["happy-dance"],
        ["F1"],
        can_add_to_workspace=True,
        customize_url="",
        added_as="happy-dance",
    )
    assert any("Added to the workspace as `:happy-dance:`" in t for t in texts(blocks))


def test_a_3000_character_description_stays_within_slack_limits() -> None:
    job = make_job("<&>" * 1000)
    blocks = result_blocks(
        job,
        ["a" * 100] * 4,
        ["F1", "F2", "F3", "F4"],
        can_add_to_workspace=False,
        customize_url=CUSTOMIZE,
    )
    views = [progress_view(job, stage) for stage in messages.STAGE_LABELS]
    views.append(messages.failure_view(job, "x" * 5000))
    for text in texts(blocks) + texts(views):
        assert len(text) <= messages.MAX_SECTION_TEXT
    for button in buttons(blocks):
        assert len(button["text"]["text"]) <= messages.MAX_BUTTON_TEXT
    for image in (b for b in blocks if b["type"] == "image"):
        assert len(image["alt_text"]) <= messages.MAX_IMAGE_ALT
    for view in views:
        assert len(view["title"]["text"]) <= messages.MAX_VIEW_TITLE
        assert len(view["private_metadata"]) <= messages.MAX_PRIVATE_METADATA
        assert len(json.dumps(view)) < 250_000
    assert len(result_text(job, ["a"])) <= messages.MAX_FALLBACK_TEXT


def test_progress_view_shows_each_stage() -> None:
    stages = ("queued", "generating", "done")
    labels = [texts(progress_view(make_job(), s)["blocks"])[0] for s in stages]
    assert "Queued…" in labels[0]
    assert "Generating…" in labels[1]
    assert "Done" in labels[2]
    assert any("req_abc123" in t for t in texts(progress_view(make_job(), "delivering")))


def test_a_picked_emoji_is_announced_or_its_refusal_said_in_plain_words() -> None:
    assert messages.picked_text("ship-it", {"name": "ship-it"}, "") == (
        ":ship-it: is now in the workspace. Try it!"
    )
    taken = messages.picked_text("ship-it", {"name": None, "error": "error_name_taken"}, CUSTOMIZE)
    assert "that name is taken now" in taken
    assert f"<{CUSTOMIZE}|" in taken
    odd = messages.picked_text("ship-it", {"name": None, "error": "weird_code"}, "")
    assert "weird_code" not in odd
    assert "*Customize workspace → Emoji*" in odd
