"""The job message: ADR-002's wire format, kept exactly, and strict parsing."""

import json

import pytest

from emojiforge.errors import InvalidInput
from emojiforge.jobs import EmojiSpec, Job, new_job_id, parse_job

# The example message from ADR-002, verbatim.
ADR_EXAMPLE = """{
  "job_id": "job_abc123",
  "correlation_id": "req_xyz789",
  "user_id": "U123456",
  "channel_id": "C789012",
  "emoji_spec": {"description": "happy dance", "style": "cartoon"},
  "timestamp": "2024-01-15T10:30:00Z"
}"""


def test_adr_example_parses_and_round_trips_to_the_same_json():
    job = parse_job(ADR_EXAMPLE)
    assert job.job_id == "job_abc123"
    assert job.correlation_id == "req_xyz789"
    assert job.user_id == "U123456"
    assert job.channel_id == "C789012"
    assert job.emoji_spec.description == "happy dance"
    assert job.emoji_spec.style == "cartoon"
    again = json.loads(job.to_json())
    original = json.loads(ADR_EXAMPLE)
    # Every ADR field keeps its name and value; only defaults are added.
    for key, value in original.items():
        if key != "emoji_spec":
            assert again[key] == value
    assert again["emoji_spec"]["description"] == "happy dance"
    assert again["emoji_spec"]["style"] == "cartoon"
    assert again["schema"] == 1
    assert parse_job(job.to_json()) == job


def test_extensions_round_trip():
    job = Job(
        job_id=new_job_id("V0123ABC"),
        correlation_id="req_1",
        user_id="U1",
        channel_id=None,
        emoji_spec=EmojiSpec(
            description="ship it",
            style="text",
            effect="party",
            name="ship-it",
            options=3,
            provider="offline",
            source_text="can we ship it?",
        ),
        timestamp="2026-12-04T10:00:00Z",
        team_id="T1",
        message_ts="1712345678.000100",
        thread_ts="1712345678.000100",
        response_url="https://hooks.slack.com/actions/T1/1/abc",
        view_id="V0123ABC",
    )
    assert parse_job(job.to_json()) == job
    assert job.job_id == "job_V0123ABC"
    assert "channel_id" not in job.to_dict()  # unset optionals stay off the wire


def test_a_pick_round_trips_and_stays_off_the_wire_when_unset():
    plain = parse_job(ADR_EXAMPLE)
    assert "pick" not in plain.to_dict()
    assert "picked_from" not in plain.to_dict()
    picked = plain.with_changes(
        job_id=new_job_id("job_abc123_pick1"), pick=1, picked_from="job_abc123"
    )
    again = parse_job(picked.to_json())
    assert again == picked
    assert (again.pick, again.picked_from) == (1, "job_abc123")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("job_id"), "job_id"),
        (lambda d: d.update(user_id=42), "user_id"),
        (lambda d: d.update(user_id="u-lower"), "user_id"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["emoji_spec"].update(description="   "), "emoji_spec.description"),
        (lambda d: d["emoji_spec"].update(description="x" * 501), "emoji_spec.description"),
        (lambda d: d["emoji_spec"].update(style="vaporwave"), "emoji_spec.style"),
        (lambda d: d["emoji_spec"].update(effect="explode"), "emoji_spec.effect"),
        (lambda d: d["emoji_spec"].update(options=9), "emoji_spec.options"),
        (lambda d: d["emoji_spec"].update(options=True), "emoji_spec.options"),
        (lambda d: d["emoji_spec"].update(colour="red"), "emoji_spec.colour"),
        (lambda d: d.update(timestamp="yesterday"), "timestamp"),
        (lambda d: d.update(schema=2), "schema"),
        (lambda d: d.update(response_url="ftp://example.com"), "response_url"),
        (lambda d: d.pop("emoji_spec"), "emoji_spec"),
        (lambda d: d.update(pick=4, picked_from="job_1"), "pick"),
        (lambda d: d.update(pick=True, picked_from="job_1"), "pick"),
        (lambda d: d.update(pick=1), "picked_from"),
        (lambda d: d.update(picked_from="job_1"), "pick"),
        (lambda d: d.update(pick=1, picked_from="job 1!"), "picked_from"),
    ],
)
def test_invalid_messages_name_the_field(mutate, field):
    data = json.loads(ADR_EXAMPLE)
    mutate(data)
    with pytest.raises(InvalidInput) as caught:
        parse_job(json.dumps(data))
    assert caught.value.field == field


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1,2]", b"\xff\xfe", "null"])
def test_unparseable_messages_are_a_clear_error(raw):
    with pytest.raises(InvalidInput) as caught:
        parse_job(raw)
    assert caught.value.field == "message"


def test_group_id_is_per_team_and_user_never_global():
    a = parse_job(ADR_EXAMPLE)
    b = a.with_changes(user_id="U999")
    assert a.group_id != b.group_id
    assert a.group_id == "local:U123456"


def test_job_id_from_the_same_seed_is_the_same_so_retries_dedupe():
    assert new_job_id("V1") == new_job_id("V1")
    assert new_job_id() != new_job_id()
