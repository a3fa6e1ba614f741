"""What every Queue must do, written once for the SQLite queue and the SQS adapter.

Subclass ``QueueContract`` in a ``test_*.py`` module and provide the hooks:

- ``make_queue(visibility_timeout_s=...)`` returns a fresh, empty queue;
- ``make_queue_with_dlq(visibility_timeout_s=..., max_receives=...)`` returns
  ``(main, dead_letter)``;
- ``advance(seconds)`` moves the queue's clock on: a fake clock jumps, a real
  one (moto, AWS) sleeps. With a real clock set ``supports_fake_clock = False``:
  tests that would wait minutes skip, and visibility expiry uses
  ``SHORT_VISIBILITY_S`` so the whole suite stays quick.

Tests that keep a message in flight on purpose use ``LONG_VISIBILITY_S``, long
enough that a slow machine cannot let it expire mid-test.
"""

from __future__ import annotations

from typing import ClassVar

import pytest

from emojiforge.errors import QueueError
from emojiforge.queues.base import DEDUP_WINDOW_S, Queue

SHORT_VISIBILITY_S = 1.0  # SQS counts in whole seconds; 1 is its smallest useful timeout
LONG_VISIBILITY_S = 60.0
PAST_SHORT_VISIBILITY_S = 1.5


class QueueContract:
    supports_fake_clock: ClassVar[bool] = True

    def make_queue(self, *, visibility_timeout_s: float = LONG_VISIBILITY_S) -> Queue:
        raise NotImplementedError

    def make_queue_with_dlq(
        self, *, visibility_timeout_s: float, max_receives: int
    ) -> tuple[Queue, Queue]:
        raise NotImplementedError

    def advance(self, seconds: float) -> None:
        raise NotImplementedError

    # -- send, receive, delete -------------------------------------------------

    def test_sent_message_is_received_then_gone_once_deleted(self) -> None:
        queue = self.make_queue()
        message_id = queue.send("hello", group_id="U1", dedup_id="d1")

        [message] = queue.receive()
        assert (message.message_id, message.body, message.group_id) == (message_id, "hello", "U1")
        assert message.receive_count == 1
        queue.delete(message.receipt)

        assert queue.receive() == []
        assert queue.approximate_depth() == (0, 0)

    def test_empty_queue_receives_nothing(self) -> None:
        assert self.make_queue().receive() == []

    def test_attributes_round_trip(self) -> None:
        queue = self.make_queue()
        attributes = {"correlation_id": "req_42", "schema": "2"}
        queue.send("{}", group_id="U1", dedup_id="d1", attributes=attributes)

        [message] = queue.receive()
        assert dict(message.attributes) == attributes

    def test_unicode_body_round_trips(self) -> None:
        queue = self.make_queue()
        body = '{"description": "fête 🎉 in 東京", "style": "ピクセル"}'
        queue.send(body, group_id="U1", dedup_id="d1")

        assert [m.body for m in queue.receive()] == [body]

    def test_max_messages_is_respected(self) -> None:
        queue = self.make_queue()
        for n in range(5):
            queue.send(f"job {n}", group_id=f"U{n}", dedup_id=f"d{n}")

        assert len(queue.receive(max_messages=3)) == 3
        assert len(queue.receive(max_messages=3)) == 2

    def test_receive_can_override_the_visibility_timeout(self) -> None:
        queue = self.make_queue(visibility_timeout_s=LONG_VISIBILITY_S)
        queue.send("job", group_id="U1", dedup_id="d1")

        queue.receive(visibility_timeout_s=SHORT_VISIBILITY_S)
        self.advance(PAST_SHORT_VISIBILITY_S)

        assert [m.receive_count for m in queue.receive()] == [2]

    def test_approximate_depth_counts_visible_and_in_flight(self) -> None:
        queue = self.make_queue()
        for n in range(3):
            queue.send(f"job {n}", group_id=f"U{n}", dedup_id=f"d{n}")
        assert queue.approximate_depth() == (3, 0)

        [message] = queue.receive()
        assert queue.approximate_depth() == (2, 1)

        queue.delete(message.receipt)
        assert queue.approximate_depth() == (2, 0)

    # -- de-duplication ----------------------------------------------------------

    def test_duplicate_send_is_delivered_once(self) -> None:
        queue = self.make_queue()
        queue.send("first", group_id="U1", dedup_id="job_1")
        queue.send("retry", group_id="U1", dedup_id="job_1")

        assert [m.body for m in queue.receive(max_messages=10)] == ["first"]

    def test_duplicate_send_returns_the_first_message_id(self) -> None:
        queue = self.make_queue()
        first = queue.send("first", group_id="U1", dedup_id="job_1")

        assert queue.send("retry", group_id="U1", dedup_id="job_1") == first

    def test_same_dedup_id_after_the_window_is_a_new_message(self) -> None:
        self._skip_unless_fake_clock()
        queue = self.make_queue()
        first = queue.send("first", group_id="U1", dedup_id="job_1")
        [message] = queue.receive()
        queue.delete(message.receipt)

        self.advance(DEDUP_WINDOW_S + 1)
        again = queue.send("again", group_id="U1", dedup_id="job_1")

        assert again != first
        assert [m.body for m in queue.receive()] == ["again"]

    # -- ordering within a message group -------------------------------------

    def test_a_group_comes_out_in_send_order(self) -> None:
        queue = self.make_queue()
        for n in range(5):
            queue.send(f"job {n}", group_id="U1", dedup_id=f"d{n}")

        assert self._drain_one_by_one(queue) == [f"job {n}" for n in range(5)]

    def test_a_group_in_flight_does_not_block_other_groups(self) -> None:
        queue = self.make_queue()
        queue.send("a1", group_id="A", dedup_id="a1")
        queue.send("a2", group_id="A", dedup_id="a2")
        queue.send("b1", group_id="B", dedup_id="b1")

        assert [m.body for m in queue.receive()] == ["a1"]
        assert [m.body for m in queue.receive()] == ["b1"]

    def test_a_groups_next_message_waits_until_its_head_is_deleted(self) -> None:
        queue = self.make_queue()
        queue.send("a1", group_id="A", dedup_id="a1")
        queue.send("a2", group_id="A", dedup_id="a2")

        [head] = queue.receive()
        assert queue.receive() == []

        queue.delete(head.receipt)
        assert [m.body for m in queue.receive()] == ["a2"]

    # -- visibility and receipts ---------------------------------------------

    def test_expired_visibility_redelivers_with_a_new_receipt(self) -> None:
        queue = self.make_queue(visibility_timeout_s=SHORT_VISIBILITY_S)
        queue.send("job", group_id="U1", dedup_id="d1")
        [first] = queue.receive()

        self.advance(PAST_SHORT_VISIBILITY_S)
        [second] = queue.receive()

        assert second.message_id == first.message_id
        assert second.receive_count == 2
        assert second.receipt != first.receipt

    def test_change_visibility_to_zero_makes_a_message_visible_now(self) -> None:
        queue = self.make_queue()
        queue.send("job", group_id="U1", dedup_id="d1")
        [message] = queue.receive()

        queue.change_visibility(message.receipt, 0)

        assert [m.receive_count for m in queue.receive()] == [2]

    def test_change_visibility_extends_the_time_in_flight(self) -> None:
        queue = self.make_queue(visibility_timeout_s=SHORT_VISIBILITY_S)
        queue.send("job", group_id="U1", dedup_id="d1")
        [message] = queue.receive()

        queue.change_visibility(message.receipt, LONG_VISIBILITY_S)
        self.advance(PAST_SHORT_VISIBILITY_S)

        assert queue.receive() == []

    def test_delete_with_a_stale_receipt_is_ignored(self) -> None:
        queue = self.make_queue(visibility_timeout_s=SHORT_VISIBILITY_S)
        queue.send("job", group_id="U1", dedup_id="d1")
        [stale] = queue.receive()
        self.advance(PAST_SHORT_VISIBILITY_S)
        [current] = queue.receive(visibility_timeout_s=LONG_VISIBILITY_S)

        queue.delete(stale.receipt)
        assert queue.approximate_depth() == (0, 1)

        queue.delete(current.receipt)
        queue.delete(current.receipt)
        assert queue.approximate_depth() == (0, 0)

    def test_change_visibility_with_a_stale_receipt_raises(self) -> None:
        queue = self.make_queue()
        queue.send("job", group_id="U1", dedup_id="d1")
        [message] = queue.receive()
        queue.delete(message.receipt)

        with pytest.raises(QueueError):
            queue.change_visibility(message.receipt, 0)

    # -- dead-lettering --------------------------------------------------------

    def test_a_message_received_too_often_moves_to_the_dead_letter_queue_once(self) -> None:
        queue, dead_letter = self.make_queue_with_dlq(
            visibility_timeout_s=SHORT_VISIBILITY_S, max_receives=2
        )
        message_id = queue.send("poison ☠", group_id="U1", dedup_id="d1")
        queue.send("next", group_id="U1", dedup_id="d2")
        for _ in range(2):
            [message] = queue.receive()
            assert message.body == "poison ☠"
            self.advance(PAST_SHORT_VISIBILITY_S)

        # The third receive moves the poison message and unblocks its group.
        assert [m.body for m in queue.receive(visibility_timeout_s=LONG_VISIBILITY_S)] == ["next"]
        dead = dead_letter.receive(max_messages=10, visibility_timeout_s=LONG_VISIBILITY_S)
        assert [(m.message_id, m.body, m.group_id) for m in dead] == [
            (message_id, "poison ☠", "U1")
        ]
        assert dead_letter.receive() == []
        assert queue.approximate_depth() == (0, 1)  # only "next", in flight

    # -- helpers ---------------------------------------------------------------

    def _drain_one_by_one(self, queue: Queue) -> list[str]:
        bodies = []
        while messages := queue.receive():
            bodies += [m.body for m in messages]
            for message in messages:
                queue.delete(message.receipt)
        return bodies

    def _skip_unless_fake_clock(self) -> None:
        if not self.supports_fake_clock:
            pytest.skip("needs a fake clock: would wait minutes in real time")
