"""Operator actions on the queues and the job store (used by the CLI).

Redrive moves dead letters back with receive → send → delete, so it works on
SQS without ``StartMessageMoveTask`` and on the embedded queue alike. It never
delivers twice: the worker skips a job the store already marks delivered, and
a failure notice is recorded once per job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from emojiforge.errors import InvalidInput
from emojiforge.queues.base import Message, Queue

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}
REDRIVE_BATCH = 10
REDRIVE_HIDE_S = 30.0


def parse_duration(text: str) -> float:
    """``90s``, ``15m``, ``1h``, ``7d`` → seconds."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise InvalidInput("--since", f"expected a duration like 30m, 1h or 7d, not {text!r}")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    job_id: str | None
    correlation_id: str | None
    user_id: str | None
    reason: str
    receive_count: int
    sent_at: float


def describe(message: Message) -> DeadLetter:
    try:
        data = json.loads(message.body)
        fields = data if isinstance(data, dict) else {}
    except ValueError:
        fields = {}

    def text(key: str) -> str | None:
        value = fields.get(key) or message.attributes.get(key)
        return str(value) if value else None

    return DeadLetter(
        message_id=message.message_id,
        job_id=text("job_id"),
        correlation_id=text("correlation_id"),
        user_id=text("user_id"),
        reason=message.attributes.get("dead_letter_reason", "max receives"),
        receive_count=message.receive_count,
        sent_at=message.sent_at,
    )


def redrive(dead_letter: Queue, target: Queue, *, job_ids: Sequence[str] = ()) -> list[str]:
    """Move dead letters (all, or those of ``job_ids``) back to ``target``.

    Each is sent before it is deleted, with a de-duplication id derived from
    its dead-letter message id: a redrive interrupted between the two steps
    and run again sends nothing twice. Returns the moved message ids.
    """
    moved: list[str] = []
    skipped: list[Message] = []
    wanted = set(job_ids)
    while True:
        batch = dead_letter.receive(max_messages=REDRIVE_BATCH, visibility_timeout_s=REDRIVE_HIDE_S)
        if not batch:
            break
        for message in batch:
            if wanted and describe(message).job_id not in wanted:
                skipped.append(message)
                continue
            attributes = {
                k: v for k, v in message.attributes.items() if not k.startswith("dead_letter")
            }
            target.send(
                message.body,
                group_id=message.group_id,
                dedup_id=f"redrive-{message.message_id}",
                attributes=attributes,
            )
            dead_letter.delete(message.receipt)
            moved.append(message.message_id)
    for message in skipped:
        # Hand back the ones we looked at but did not move.
        dead_letter.change_visibility(message.receipt, 0)
    return moved
