"""Redrive on SQS (moto over HTTP): receive → send → delete, each message once."""

from __future__ import annotations

import json

from emojiforge.ops import describe, redrive
from emojiforge.queues.sqs import SQSQueue, create_fifo_queues
from tests.aws.conftest import unique_name


def test_redrive_moves_every_sqs_dead_letter_exactly_once(sqs):
    main_url, dlq_url = create_fifo_queues(sqs, unique_name("redrive"), max_receives=1)
    jobs, dead = SQSQueue(sqs, main_url), SQSQueue(sqs, dlq_url)
    for n in range(5):
        body = json.dumps({"job_id": f"job_{n}", "correlation_id": f"req_{n}", "user_id": "U1"})
        dead.send(body, group_id=f"T1:U{n}", dedup_id=f"job_{n}", attributes={"job_id": f"job_{n}"})

    listed = [describe(m) for m in dead.peek(10)]
    assert sorted(d.job_id or "" for d in listed) == [f"job_{n}" for n in range(5)]

    moved = redrive(dead, jobs)
    assert len(moved) == 5
    assert redrive(dead, jobs) == []
    received = []
    while batch := jobs.receive(max_messages=10):
        received += batch
        for message in batch:
            jobs.delete(message.receipt)
    assert sorted(json.loads(m.body)["job_id"] for m in received) == [f"job_{n}" for n in range(5)]
