"""Poison messages go to the dead-letter queue on their first receive, logged
with their correlation id, and never stop the worker from taking the next job."""

from __future__ import annotations

import json

import pytest

from tests.reliability.conftest import make_job

VALID = json.loads(make_job().to_json())
POISON = {
    "not json": ("{not json", None),
    "not an object": ("[1, 2, 3]", None),
    "unknown schema": (
        json.dumps({**VALID, "schema": 99, "correlation_id": "req_schema99"}),
        "req_schema99",
    ),
    "unknown field": (
        json.dumps({**VALID, "surprise": True, "correlation_id": "req_surprise"}),
        "req_surprise",
    ),
    "wrong type": (
        json.dumps({**VALID, "emoji_spec": "ship it", "correlation_id": "req_type"}),
        "req_type",
    ),
    "missing description": (
        json.dumps({**VALID, "emoji_spec": {}, "correlation_id": "req_nodesc"}),
        "req_nodesc",
    ),
}


@pytest.mark.parametrize(("body", "correlation_id"), list(POISON.values()), ids=list(POISON))
def test_a_poison_message_is_dead_lettered_at_once_and_logged_with_its_reference(
    pipeline, json_logs, body, correlation_id
):
    pipeline.queue.send(body, group_id="T0ACME:U0ALICE", dedup_id="poison-1")
    good = make_job(2)
    pipeline.intake.submit(good)  # queued behind the poison, in the same group

    assert pipeline.runner.drain() == 2  # one receive each: no crash loop
    assert pipeline.queue.approximate_depth() == (0, 0)
    [dead] = pipeline.dead_letter.peek()
    assert dead.body == body
    assert dead.attributes["dead_letter_reason"] == "poison"
    assert pipeline.store.get(good.job_id).status == "delivered"

    [line] = [entry for entry in json_logs() if entry["message"].startswith("poison message")]
    assert line["level"] == "ERROR"
    if correlation_id:
        assert line["correlation_id"] == correlation_id
    assert not pipeline.notices()  # nobody to tell: the message names no one we can trust
