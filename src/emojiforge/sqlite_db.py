"""SQLite as the embedded queue and the job store use it: one place for the
connection settings and the write transaction."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


def connect(path: Path | str) -> sqlite3.Connection:
    # Autocommit mode (isolation_level=None): transactions are ours, explicit.
    # One connection is shared by a process's threads behind a lock.
    db = sqlite3.connect(
        str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    db.execute("PRAGMA journal_mode = WAL")
    # Under WAL, NORMAL loses nothing when the process crashes (only on power
    # loss) and saves an fsync per commit, which is most of an ack's time.
    db.execute("PRAGMA synchronous = NORMAL")
    return db


@contextmanager
def write_transaction(
    db: sqlite3.Connection, lock: threading.Lock | threading.RLock
) -> Iterator[sqlite3.Connection]:
    """IMMEDIATE takes the write lock up front: another process cannot slip a
    write in between our read and our write."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
