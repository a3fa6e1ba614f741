from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from emojiforge.queues.base import DEDUP_WINDOW_S
from emojiforge.queues.sqlite import DEAD_LETTER_SOURCE, SQLiteQueue
from tests.conformance.queue_contract import LONG_VISIBILITY_S, QueueContract


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "queue.db"


@pytest.fixture
def opened() -> Iterator[list[SQLiteQueue]]:
    """Queues a test opens, closed when it ends."""
    queues: list[SQLiteQueue] = []
    yield queues
    for queue in queues:
        queue.close()


class TestSQLiteQueueContract(QueueContract):
    @pytest.fixture(autouse=True)
    def _queues(self, db_path: Path, clock: FakeClock, opened: list[SQLiteQueue]) -> None:
        self.path, self.clock, self.opened = db_path, clock, opened

    def make_queue(self, *, visibility_timeout_s: float = LONG_VISIBILITY_S) -> SQLiteQueue:
        return self._open("jobs", visibility_timeout_s=visibility_timeout_s)

    def make_queue_with_dlq(
        self, *, visibility_timeout_s: float, max_receives: int
    ) -> tuple[SQLiteQueue, SQLiteQueue]:
        dead_letter = self._open("jobs-dlq")
        queue = self._open(
            "jobs",
            visibility_timeout_s=visibility_timeout_s,
            max_receives=max_receives,
            dead_letter=dead_letter,
        )
        return queue, dead_letter

    def advance(self, seconds: float) -> None:
        self.clock.now += seconds

    def _open(
        self,
        name: str,
        *,
        visibility_timeout_s: float = LONG_VISIBILITY_S,
        max_receives: int | None = None,
        dead_letter: SQLiteQueue | None = None,
    ) -> SQLiteQueue:
        queue = SQLiteQueue(
            self.path,
            name,
            visibility_timeout_s=visibility_timeout_s,
            max_receives=max_receives,
            dead_letter=dead_letter,
            clock=self.clock,
        )
        self.opened.append(queue)
        return queue


def test_messages_survive_reopening_the_file(db_path: Path) -> None:
    with SQLiteQueue(db_path, "jobs") as queue:
        queue.send("job", group_id="U1", dedup_id="d1")

    with SQLiteQueue(db_path, "jobs") as reopened:
        assert [m.body for m in reopened.receive()] == ["job"]


def test_a_message_in_flight_when_the_worker_dies_comes_back_after_its_timeout(
    db_path: Path, clock: FakeClock
) -> None:
    with SQLiteQueue(db_path, "jobs", visibility_timeout_s=60, clock=clock) as worker:
        worker.send("job", group_id="U1", dedup_id="d1")
        worker.receive()  # then "crashes": never deletes

    clock.now += 61
    with SQLiteQueue(db_path, "jobs", clock=clock) as restarted:
        [message] = restarted.receive()
    assert (message.body, message.receive_count) == ("job", 2)


def test_dedup_holds_even_after_the_message_was_deleted(
    db_path: Path, clock: FakeClock, opened: list[SQLiteQueue]
) -> None:
    queue = SQLiteQueue(db_path, "jobs", clock=clock)
    opened.append(queue)
    queue.send("job", group_id="U1", dedup_id="job_1")
    [message] = queue.receive()
    queue.delete(message.receipt)

    clock.now += DEDUP_WINDOW_S - 1
    queue.send("slack retry", group_id="U1", dedup_id="job_1")

    assert queue.receive() == []


def test_queues_in_one_file_are_independent(db_path: Path, opened: list[SQLiteQueue]) -> None:
    jobs, other = SQLiteQueue(db_path, "jobs"), SQLiteQueue(db_path, "other")
    opened += [jobs, other]
    jobs.send("for jobs", group_id="U1", dedup_id="d1")
    other.send("for other", group_id="U1", dedup_id="d1")  # same dedup id, other queue

    assert [m.body for m in jobs.receive(max_messages=10)] == ["for jobs"]
    assert [m.body for m in other.receive(max_messages=10)] == ["for other"]


def test_a_dead_letter_names_its_source_and_starts_a_fresh_receive_count(
    db_path: Path, clock: FakeClock, opened: list[SQLiteQueue]
) -> None:
    dead_letter = SQLiteQueue(db_path, "jobs-dlq", clock=clock)
    queue = SQLiteQueue(db_path, "jobs", max_receives=1, dead_letter=dead_letter, clock=clock)
    opened += [queue, dead_letter]
    queue.send("poison", group_id="U1", dedup_id="d1", attributes={"correlation_id": "req_1"})
    [message] = queue.receive()
    queue.change_visibility(message.receipt, 0)
    assert queue.receive() == []

    [peeked] = dead_letter.peek()
    assert peeked.attributes == {"correlation_id": "req_1", DEAD_LETTER_SOURCE: "jobs"}
    assert [m.receive_count for m in dead_letter.receive()] == [1]


def test_peek_shows_messages_without_receiving_them(
    db_path: Path, opened: list[SQLiteQueue]
) -> None:
    queue = SQLiteQueue(db_path, "jobs")
    opened.append(queue)
    for n in range(3):
        queue.send(f"job {n}", group_id="U1", dedup_id=f"d{n}")

    assert [m.body for m in queue.peek(limit=2)] == ["job 0", "job 1"]
    assert queue.approximate_depth() == (3, 0)


def test_purge_empties_only_its_own_queue(db_path: Path, opened: list[SQLiteQueue]) -> None:
    jobs, other = SQLiteQueue(db_path, "jobs"), SQLiteQueue(db_path, "other")
    opened += [jobs, other]
    for n in range(3):
        jobs.send(f"job {n}", group_id=f"U{n}", dedup_id=f"d{n}")
    other.send("stays", group_id="U1", dedup_id="d1")

    assert jobs.purge() == 3
    assert jobs.approximate_depth() == (0, 0)
    assert other.approximate_depth() == (1, 0)


def test_a_dead_letter_queue_in_another_file_is_refused(tmp_path: Path) -> None:
    with (
        SQLiteQueue(tmp_path / "a.db", "dlq") as dead_letter,
        pytest.raises(ValueError, match="same file"),
    ):
        SQLiteQueue(tmp_path / "b.db", "jobs", max_receives=3, dead_letter=dead_letter)


@pytest.mark.parametrize("shared", [True, False], ids=["one-object", "one-object-per-thread"])
def test_concurrent_consumers_never_get_the_same_message(
    db_path: Path, opened: list[SQLiteQueue], shared: bool
) -> None:
    producer = SQLiteQueue(db_path, "jobs")
    opened.append(producer)
    for n in range(200):
        producer.send(f"job {n}", group_id=f"U{n}", dedup_id=f"d{n}")
    consumers = [producer if shared else SQLiteQueue(db_path, "jobs") for _ in range(4)]
    opened += [c for c in consumers if c is not producer]
    received: list[str] = []
    received_lock = threading.Lock()

    def consume(queue: SQLiteQueue) -> None:
        while messages := queue.receive(max_messages=3):
            for message in messages:
                queue.delete(message.receipt)
            with received_lock:
                received.extend(m.body for m in messages)

    threads = [threading.Thread(target=consume, args=(c,)) for c in consumers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert Counter(received) == Counter(f"job {n}" for n in range(200))
    assert producer.approximate_depth() == (0, 0)


def _consume_all(path: str) -> list[str]:
    bodies: list[str] = []
    with SQLiteQueue(path, "jobs") as queue:
        while messages := queue.receive(max_messages=2):
            for message in messages:
                queue.delete(message.receipt)
            bodies += [m.body for m in messages]
    return bodies


def test_consumers_in_separate_processes_never_get_the_same_message(
    db_path: Path, opened: list[SQLiteQueue]
) -> None:
    producer = SQLiteQueue(db_path, "jobs")
    opened.append(producer)
    for n in range(1000):
        producer.send(f"job {n}", group_id=f"U{n}", dedup_id=f"d{n}")

    with multiprocessing.get_context("spawn").Pool(2) as pool:
        per_process = pool.map(_consume_all, [str(db_path)] * 2)

    received = Counter(body for bodies in per_process for body in bodies)
    assert received == Counter(f"job {n}" for n in range(1000))


def test_a_long_poll_wakes_when_another_thread_sends(
    db_path: Path, opened: list[SQLiteQueue]
) -> None:
    worker, webhook = SQLiteQueue(db_path, "jobs"), SQLiteQueue(db_path, "jobs")
    opened += [worker, webhook]
    received: list[str] = []
    polling = threading.Thread(
        target=lambda: received.extend(m.body for m in worker.receive(wait_s=10))
    )
    polling.start()

    webhook.send("job", group_id="U1", dedup_id="d1")
    polling.join(timeout=10)

    assert received == ["job"]


def test_a_long_poll_gives_up_empty_after_its_wait(
    db_path: Path, opened: list[SQLiteQueue]
) -> None:
    queue = SQLiteQueue(db_path, "jobs")
    opened.append(queue)

    assert queue.receive(wait_s=0.3) == []
