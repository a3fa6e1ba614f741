"""Drives a Worker from a Queue on one machine (the local server and the CLI).

In AWS, Lambda's SQS event source plays this part (see ``aws.worker_handler``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from emojiforge.queues.base import Message, Queue
from emojiforge.worker import Outcome, Worker

log = logging.getLogger(__name__)

RETRY_BACKOFF_S = (5.0, 30.0, 120.0)


def park_poison(
    dead_letter: Queue, body: str, group_id: str, message_id: str, attributes: Mapping[str, str]
) -> None:
    """An unreadable message goes to the dead-letter queue now, not after N
    receives; de-duplicated by its message id, marked for ``dlq list``."""
    dead_letter.send(
        body,
        group_id=group_id,
        dedup_id=message_id,
        attributes={**attributes, "dead_letter_reason": "poison"},
    )


class QueueRunner:
    def __init__(self, queue: Queue, dead_letter: Queue, worker: Worker, *, wait_s: float = 1.0):
        self.queue = queue
        self.dead_letter = dead_letter
        self.worker = worker
        self.wait_s = wait_s

    def run_once(self, wait_s: float | None = None) -> int:
        """Receive and process at most one message; returns how many were handled."""
        wait = self.wait_s if wait_s is None else wait_s
        messages = self.queue.receive(max_messages=1, wait_s=wait)
        for message in messages:
            self._handle(message)
        return len(messages)

    def run_until(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                # A broken queue must not kill the worker thread; it retries.
                log.exception("queue runner failed; retrying")
                stop.wait(1.0)

    def drain(self, limit: int = 1000) -> int:
        """Process until the queue has nothing visible (tests, the CLI)."""
        handled = 0
        while handled < limit and self.run_once(wait_s=0):
            handled += 1
        return handled

    def _handle(self, message: Message) -> None:
        outcome = self.worker.process(message.body, receive_count=message.receive_count)
        if outcome is Outcome.DONE:
            self.queue.delete(message.receipt)
        elif outcome is Outcome.POISON:
            park_poison(
                self.dead_letter,
                message.body,
                message.group_id,
                message.message_id,
                message.attributes,
            )
            self.queue.delete(message.receipt)
        else:
            # Retry sooner than the full visibility timeout, backing off per receive.
            index = min(message.receive_count, len(RETRY_BACKOFF_S)) - 1
            try:
                self.queue.change_visibility(message.receipt, RETRY_BACKOFF_S[index])
            except Exception:
                log.warning("could not shorten the retry delay; the visibility timeout applies")
