"""The queue boundary: only the methods the webhook, worker and CLI use.

Semantics are SQS FIFO's, and both implementations pass the same conformance
suite (tests/conformance/queue_contract.py):

- ``send`` de-duplicates on ``dedup_id`` for five minutes (a second send with
  the same id returns the first message's id and enqueues nothing);
- within a ``group_id`` messages come out in order, and a group's next message
  is not received while an earlier one is in flight;
- ``receive`` hides a message for the visibility timeout and counts receives;
  a message received more than ``max_receives`` times moves to the
  dead-letter queue instead of being returned;
- ``delete`` takes the receipt of the latest receive; a stale receipt is
  ignored (like SQS, deleting twice is not an error).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

DEDUP_WINDOW_S = 300.0


@dataclass(frozen=True)
class Message:
    message_id: str
    body: str
    receipt: str
    group_id: str
    dedup_id: str
    receive_count: int
    sent_at: float  # epoch seconds
    attributes: Mapping[str, str] = field(default_factory=dict)


class Queue(Protocol):
    name: str

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        attributes: Mapping[str, str] | None = None,
    ) -> str:
        """Enqueue; returns the message id (the existing one for a duplicate)."""
        ...

    def receive(
        self,
        *,
        max_messages: int = 1,
        wait_s: float = 0.0,
        visibility_timeout_s: float | None = None,
    ) -> list[Message]: ...

    def delete(self, receipt: str) -> None: ...

    def change_visibility(self, receipt: str, timeout_s: float) -> None: ...

    def approximate_depth(self) -> tuple[int, int]:
        """(visible, in flight) message counts."""
        ...
