"""The embedded queue: SQS FIFO semantics in one SQLite file.

A main queue and its dead-letter queue live in the same file, so moving a
message to the dead-letter queue is a single transaction. Send and receive
read, then write, under ``BEGIN IMMEDIATE``: SQLite admits one writer at a
time, across threads and processes alike, so two consumers never take the same
message and two senders never both pass the de-duplication check.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType

from emojiforge.errors import QueueError
from emojiforge.queues.base import DEDUP_WINDOW_S, Message
from emojiforge.sqlite_db import connect, write_transaction

# Attribute a dead letter gains: the queue it came from, for `emojiforge dlq list`.
DEAD_LETTER_SOURCE = "dead_letter_source"
# SQS refuses bigger batches; refusing them here too keeps callers portable.
MAX_BATCH = 10
# A long poll rechecks this often, to see messages sent by another process.
POLL_STEP_S = 0.1
# Expired de-duplication ids are swept now and then, not on every send: an
# index to find them cheaply would cost more than the occasional scan.
DEDUP_SWEEP_EVERY = 200

_SCHEMA = """
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,  -- send order within every queue of the file
    queue TEXT NOT NULL,
    message_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,  -- JSON object of strings
    sent_at REAL NOT NULL,
    visible_at REAL NOT NULL,  -- later than now while in flight
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt TEXT  -- of the latest receive only, so older ones go stale
);
CREATE INDEX IF NOT EXISTS messages_by_queue ON messages (queue, seq);
CREATE INDEX IF NOT EXISTS messages_by_group ON messages (queue, group_id, visible_at);
-- Kept apart from messages because SQS de-duplicates even after a delete.
CREATE TABLE IF NOT EXISTS dedup (
    queue TEXT NOT NULL,
    dedup_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (queue, dedup_id)
) WITHOUT ROWID;
COMMIT;
"""

# The head of every group with nothing in flight, then the messages behind it.
_CANDIDATES = """
SELECT * FROM messages AS m
WHERE m.queue = :queue AND m.visible_at <= :now AND NOT EXISTS (
    SELECT 1 FROM messages AS busy
    WHERE busy.queue = m.queue AND busy.group_id = m.group_id AND busy.visible_at > :now
)
ORDER BY m.seq LIMIT :limit
"""

_INSERT = """
INSERT INTO messages
    (queue, message_id, group_id, dedup_id, body, attributes, sent_at, visible_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


class SQLiteQueue:
    """One named queue in a SQLite file; see ``queues.base`` for the semantics."""

    def __init__(
        self,
        path: Path | str,
        name: str,
        *,
        visibility_timeout_s: float = 180.0,
        max_receives: int | None = None,
        dead_letter: SQLiteQueue | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path).resolve()
        self.name = name
        self.visibility_timeout_s = visibility_timeout_s
        _check_redrive(self.path, max_receives, dead_letter)
        self._max_receives = max_receives
        self._dead_letter = dead_letter
        self._clock = clock
        self._wakeup = _wakeup_for(self.path, name)
        self._sends = 0
        # One connection per queue, guarded by a lock: SQLite serialises writers
        # anyway, and the lock lets the webhook and worker threads share it.
        self._lock = threading.RLock()
        self._db = _connect(self.path)

    def send(
        self,
        body: str,
        *,
        group_id: str,
        dedup_id: str,
        attributes: Mapping[str, str] | None = None,
    ) -> str:
        now = self._clock()
        with self._transaction() as db:
            known = db.execute(
                "SELECT message_id FROM dedup WHERE queue = ? AND dedup_id = ? AND expires_at > ?",
                (self.name, dedup_id, now),
            ).fetchone()
            if known is not None:
                return str(known["message_id"])
            message_id = str(uuid.uuid4())
            self._sends += 1
            if self._sends % DEDUP_SWEEP_EVERY == 0:
                db.execute("DELETE FROM dedup WHERE expires_at <= ?", (now,))
            db.execute(
                "INSERT OR REPLACE INTO dedup VALUES (?, ?, ?, ?)",
                (self.name, dedup_id, message_id, now + DEDUP_WINDOW_S),
            )
            payload = json.dumps(dict(attributes or {}))
            db.execute(
                _INSERT, (self.name, message_id, group_id, dedup_id, body, payload, now, now)
            )
        self._wakeup.notify()
        return message_id

    def receive(
        self,
        *,
        max_messages: int = 1,
        wait_s: float = 0.0,
        visibility_timeout_s: float | None = None,
    ) -> list[Message]:
        if not 1 <= max_messages <= MAX_BATCH:
            raise ValueError(f"max_messages must be between 1 and {MAX_BATCH}")
        hide_for = (
            self.visibility_timeout_s if visibility_timeout_s is None else visibility_timeout_s
        )
        # Real time, not the injected clock: a test's frozen clock must not
        # turn a long poll into an endless one.
        deadline = time.monotonic() + wait_s
        while True:
            seen = self._wakeup.generation
            messages = self._take(max_messages, hide_for)
            remaining = deadline - time.monotonic()
            if messages or remaining <= 0:
                return messages
            self._wakeup.wait(seen, min(remaining, POLL_STEP_S))

    def delete(self, receipt: str) -> None:
        # A stale receipt matches nothing, so deleting twice is harmless, as in SQS.
        with self._lock:
            self._db.execute(
                "DELETE FROM messages WHERE seq = ? AND queue = ? AND receipt = ?",
                (_seq_of(receipt), self.name, receipt),
            )

    def change_visibility(self, receipt: str, timeout_s: float) -> None:
        if timeout_s < 0:
            raise ValueError("timeout_s must not be negative")
        with self._lock:
            changed = self._db.execute(
                "UPDATE messages SET visible_at = ? WHERE seq = ? AND queue = ? AND receipt = ?",
                (self._clock() + timeout_s, _seq_of(receipt), self.name, receipt),
            ).rowcount
        if not changed:
            raise QueueError(self.name, "the message was deleted or received again since")
        self._wakeup.notify()

    def approximate_depth(self) -> tuple[int, int]:
        with self._lock:
            visible, in_flight = self._db.execute(
                "SELECT COALESCE(SUM(visible_at <= :now), 0), COALESCE(SUM(visible_at > :now), 0)"
                " FROM messages WHERE queue = :queue",
                {"queue": self.name, "now": self._clock()},
            ).fetchone()
        return int(visible), int(in_flight)

    def peek(self, limit: int = 50) -> list[Message]:
        """The oldest messages, without receiving them; their receipt is empty."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE queue = ? ORDER BY seq LIMIT ?", (self.name, limit)
            ).fetchall()
        return [_message(row, receipt="", receive_count=row["receive_count"]) for row in rows]

    def purge(self) -> int:
        """Delete every message (de-duplication ids stay); returns how many went."""
        with self._lock:
            return self._db.execute("DELETE FROM messages WHERE queue = ?", (self.name,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteQueue:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _take(self, limit: int, hide_for: float) -> list[Message]:
        now = self._clock()
        taken: list[Message] = []
        moved_any = False
        with self._transaction() as db:
            while len(taken) < limit:
                rows = db.execute(
                    _CANDIDATES, {"queue": self.name, "now": now, "limit": limit - len(taken)}
                ).fetchall()
                moved = False
                for row in rows:
                    if self._is_exhausted(row):
                        self._move_to_dead_letter(db, row, now)
                        moved = True
                    else:
                        taken.append(self._hide(db, row, now + hide_for))
                if not moved:
                    break
                # Moving a group's head unblocks the message behind it: look again.
                moved_any = True
        if moved_any and self._dead_letter is not None:
            self._dead_letter._wakeup.notify()
        return taken

    def _is_exhausted(self, row: sqlite3.Row) -> bool:
        return self._max_receives is not None and row["receive_count"] >= self._max_receives

    def _hide(self, db: sqlite3.Connection, row: sqlite3.Row, until: float) -> Message:
        receipt = f"{row['seq']}.{uuid.uuid4().hex}"
        db.execute(
            "UPDATE messages SET receipt = ?, visible_at = ?, receive_count = receive_count + 1"
            " WHERE seq = ?",
            (receipt, until, row["seq"]),
        )
        return _message(row, receipt=receipt, receive_count=row["receive_count"] + 1)

    def _move_to_dead_letter(self, db: sqlite3.Connection, row: sqlite3.Row, now: float) -> None:
        assert self._dead_letter is not None  # _check_redrive pairs it with max_receives
        attributes = {**json.loads(row["attributes"]), DEAD_LETTER_SOURCE: self.name}
        db.execute(
            _INSERT,
            (
                self._dead_letter.name,
                row["message_id"],
                row["group_id"],
                row["dedup_id"],
                row["body"],
                json.dumps(attributes),
                row["sent_at"],
                now,
            ),
        )
        db.execute("DELETE FROM messages WHERE seq = ?", (row["seq"],))

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)


class _Wakeup:
    """Wakes a long poll in this process as soon as a message is sent.

    The generation counter closes the gap between "found nothing" and "started
    waiting": a send in between changes it, so the poll does not sleep.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation = 0

    def notify(self) -> None:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def wait(self, seen: int, timeout_s: float) -> None:
        with self._changed:
            if self.generation == seen:
                self._changed.wait(timeout_s)


# Shared by every SQLiteQueue object on the same queue, so a webhook's send
# wakes a worker that opened the file separately; weak, so closed queues go.
_wakeups: weakref.WeakValueDictionary[tuple[Path, str], _Wakeup] = weakref.WeakValueDictionary()
_wakeups_lock = threading.Lock()


def _wakeup_for(path: Path, name: str) -> _Wakeup:
    with _wakeups_lock:
        wakeup = _wakeups.get((path, name))
        if wakeup is None:
            wakeup = _wakeups[(path, name)] = _Wakeup()
        return wakeup


def _connect(path: Path) -> sqlite3.Connection:
    db = connect(path)
    db.executescript(_SCHEMA)
    return db


def _check_redrive(path: Path, max_receives: int | None, dead_letter: SQLiteQueue | None) -> None:
    if (max_receives is None) != (dead_letter is None):
        raise ValueError("max_receives and dead_letter go together")
    if max_receives is not None and max_receives < 1:
        raise ValueError("max_receives must be at least 1")
    if dead_letter is not None and dead_letter.path != path:
        raise ValueError("the dead-letter queue must live in the same file")


def _seq_of(receipt: str) -> int:
    """The row a receipt points at; -1, which matches no row, if it is malformed.

    Receipts start with the row's key so that delete and change_visibility are
    primary-key lookups: no receipt index to update on every send and receive.
    """
    seq, _, _ = receipt.partition(".")
    return int(seq) if seq.isdigit() else -1


def _message(row: sqlite3.Row, *, receipt: str, receive_count: int) -> Message:
    return Message(
        message_id=row["message_id"],
        body=row["body"],
        receipt=receipt,
        group_id=row["group_id"],
        dedup_id=row["dedup_id"],
        receive_count=receive_count,
        sent_at=row["sent_at"],
        attributes=json.loads(row["attributes"]),
    )
