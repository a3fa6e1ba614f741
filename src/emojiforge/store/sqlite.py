"""The job store on one SQLite file: the local twin of the DynamoDB store.

Safe across threads (one connection behind a lock) and across processes (WAL,
a busy timeout, and ``BEGIN IMMEDIATE`` around every read-modify-write, so two
writers never both act on the same stale read).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from emojiforge.sqlite_db import connect, write_transaction
from emojiforge.store.base import JobEvent, JobRecord, next_reason, next_status

# Long enough to outlast another process's write; SQLite writes take milliseconds.

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    correlation_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    team_id TEXT,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    spec TEXT NOT NULL,
    reason TEXT,
    cost_usd REAL NOT NULL DEFAULT 0,
    provider TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_correlation_id ON jobs (correlation_id);
CREATE INDEX IF NOT EXISTS jobs_by_created_at ON jobs (created_at);
CREATE INDEX IF NOT EXISTS jobs_by_user_id ON jobs (user_id, created_at);
CREATE TABLE IF NOT EXISTS job_events (
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS once (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS quota (
    subject TEXT NOT NULL,
    "window" TEXT NOT NULL,
    token TEXT NOT NULL,
    PRIMARY KEY (subject, "window", token)
);
"""


class SQLiteJobStore:
    """``JobStore`` on a SQLite file, plus ``prune`` and ``close`` for the CLI.

    ``update`` on a job id that was never created raises ``KeyError``: an event
    without its job is a bug upstream, and a placeholder record would hide it.
    """

    def __init__(self, path: Path | str) -> None:
        self._lock = threading.Lock()
        self._db = connect(path)
        self._db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def create(
        self,
        *,
        job_id: str,
        correlation_id: str,
        user_id: str,
        team_id: str | None,
        spec: Mapping[str, Any],
        at: float,
        then: str | None = None,
    ) -> bool:
        status = next_status("received", then) if then else "received"
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO jobs (job_id, correlation_id, user_id, team_id,"
                " status, created_at, updated_at, spec) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, correlation_id, user_id, team_id, status, at, at, _dump(spec)),
            ).rowcount
            if inserted:
                _append_event(db, job_id, JobEvent(at=at, status="received"))
                if then:
                    _append_event(db, job_id, JobEvent(at=at, status=then))
        return inserted == 1

    def update(
        self,
        job_id: str,
        status: str,
        *,
        at: float,
        detail: Mapping[str, Any] | None = None,
        reason: str | None = None,
        add_cost_usd: float = 0.0,
        provider: str | None = None,
    ) -> None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT status, reason, updated_at FROM jobs WHERE job_id = ?", (job_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"no job {job_id!r}: create it before updating it")
            new_status = next_status(row["status"], status)
            new_reason = next_reason(status, new_status, row["reason"], reason)
            # Cost is added even from a late duplicate: money spent is spent.
            db.execute(
                "UPDATE jobs SET status = ?, reason = ?, updated_at = ?,"
                " cost_usd = cost_usd + ?, provider = COALESCE(?, provider)"
                " WHERE job_id = ?",
                (
                    new_status,
                    new_reason,
                    max(at, row["updated_at"]),
                    add_cost_usd,
                    provider,
                    job_id,
                ),
            )
            _append_event(db, job_id, JobEvent(at=at, status=status, detail=detail or {}))

    def get(self, job_or_correlation_id: str) -> JobRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM jobs WHERE job_id = ?", (job_or_correlation_id,)
            ).fetchone()
            if row is None:
                # A correlation id can be reused by a retried request: the newest job wins.
                row = self._db.execute(
                    "SELECT * FROM jobs WHERE correlation_id = ?"
                    " ORDER BY created_at DESC, rowid DESC LIMIT 1",
                    (job_or_correlation_id,),
                ).fetchone()
            return None if row is None else _load_records(self._db, [row])[0]

    def list(
        self,
        *,
        status: str | None = None,
        since: float | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[JobRecord]:
        filters = {"status = ?": status, "created_at >= ?": since, "user_id = ?": user_id}
        used = {clause: value for clause, value in filters.items() if value is not None}
        where = " AND ".join(used) or "1"
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM jobs WHERE {where}"  # noqa: S608 - only fixed clauses
                " ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (*used.values(), limit),
            ).fetchall()
            return _load_records(self._db, rows)

    def put_once(self, key: str, value: str, *, at: float) -> str | None:
        with self._transaction() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO once (key, value, at) VALUES (?, ?, ?)", (key, value, at)
            ).rowcount
            if inserted:
                return None
            stored: str = db.execute("SELECT value FROM once WHERE key = ?", (key,)).fetchone()[0]
            return stored

    def consume_quota(self, subject: str, window: str, limit: int, token: str) -> bool:
        key = (subject, window, token)
        with self._transaction() as db:
            seen = db.execute(
                'SELECT 1 FROM quota WHERE subject = ? AND "window" = ? AND token = ?', key
            ).fetchone()
            if seen:
                return True
            if limit > 0:
                used = db.execute(
                    'SELECT COUNT(*) FROM quota WHERE subject = ? AND "window" = ?',
                    (subject, window),
                ).fetchone()[0]
                if used >= limit:
                    return False
            # Recorded even when unlimited, so usage stays visible and a limit
            # set later counts what was already spent.
            db.execute('INSERT INTO quota (subject, "window", token) VALUES (?, ?, ?)', key)
            return True

    def prune(self, older_than: float) -> int:
        """Delete jobs created before ``older_than`` with their events; return how
        many jobs went. Idempotency and quota records stay: they are small, and
        dropping one could let an old side effect happen again."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM job_events WHERE job_id IN"
                " (SELECT job_id FROM jobs WHERE created_at < ?)",
                (older_than,),
            )
            deleted: int = db.execute(
                "DELETE FROM jobs WHERE created_at < ?", (older_than,)
            ).rowcount
            return deleted


def _load_records(db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[JobRecord]:
    ids = [row["job_id"] for row in rows]
    events: dict[str, list[JobEvent]] = {job_id: [] for job_id in ids}
    marks = ",".join("?" * len(ids))
    for event in db.execute(
        f"SELECT * FROM job_events WHERE job_id IN ({marks})"  # noqa: S608 - only marks
        " ORDER BY job_id, seq",
        ids,
    ):
        events[event["job_id"]].append(
            JobEvent(at=event["at"], status=event["status"], detail=json.loads(event["detail"]))
        )
    return [_record(row, tuple(events[row["job_id"]])) for row in rows]


def _append_event(db: sqlite3.Connection, job_id: str, event: JobEvent) -> None:
    db.execute(
        "INSERT INTO job_events (job_id, seq, at, status, detail)"
        " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM job_events WHERE job_id = ?",
        (job_id, event.at, event.status, _dump(event.detail), job_id),
    )


def _dump(value: Mapping[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _record(row: sqlite3.Row, events: tuple[JobEvent, ...]) -> JobRecord:
    return JobRecord(
        job_id=row["job_id"],
        correlation_id=row["correlation_id"],
        user_id=row["user_id"],
        team_id=row["team_id"],
        status=row["status"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        spec=json.loads(row["spec"]),
        reason=row["reason"],
        cost_usd=row["cost_usd"],
        provider=row["provider"],
        events=events,
    )
