"""What every JobStore must do, whatever it is built on.

A store's test module subclasses ``JobStoreContract`` in a class named
``Test…`` and implements ``make_store``, returning a fresh, empty store for
each test. A store that needs other fixtures (the DynamoDB store needs moto's
server) overrides the ``store`` fixture instead. Stores with a ``close()`` are
closed after each test.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from emojiforge.store.base import JobRecord, JobStore

T0 = 1_780_000_000.0  # an arbitrary epoch second; stores get times, never read clocks
SPEC = {"description": "ship it 🚀", "style": "pixel", "options": 2, "tags": ["a", "b"]}


def create(
    store: JobStore, job_id: str, *, user_id: str = "U1", at: float = T0, correlation_id: str = ""
) -> bool:
    return store.create(
        job_id=job_id,
        correlation_id=correlation_id or f"req_{job_id}",
        user_id=user_id,
        team_id="T1",
        spec=SPEC,
        at=at,
    )


def ids(records: list[JobRecord]) -> list[str]:
    return [record.job_id for record in records]


def timeline(store: JobStore, job_id: str) -> list[str]:
    record = store.get(job_id)
    assert record is not None
    return [event.status for event in record.events]


class JobStoreContract(ABC):
    @abstractmethod
    def make_store(self, tmp_path: Path) -> JobStore: ...

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[JobStore]:
        store = self.make_store(tmp_path)
        yield store
        close = getattr(store, "close", None)
        if callable(close):
            close()

    # Jobs and their timeline

    def test_a_new_job_is_found_by_job_id_and_by_correlation_id(self, store: JobStore) -> None:
        assert create(store, "job_1", correlation_id="req_abc") is True

        by_job = store.get("job_1")
        by_correlation = store.get("req_abc")

        assert by_job is not None
        assert by_job == by_correlation
        assert (by_job.job_id, by_job.correlation_id) == ("job_1", "req_abc")
        assert (by_job.user_id, by_job.team_id) == ("U1", "T1")
        assert by_job.status == "received"
        assert by_job.created_at == by_job.updated_at == T0
        assert dict(by_job.spec) == SPEC
        assert (by_job.reason, by_job.cost_usd, by_job.provider) == (None, 0.0, None)
        assert [(e.status, e.at) for e in by_job.events] == [("received", T0)]

    def test_an_unknown_id_finds_nothing(self, store: JobStore) -> None:
        assert store.get("job_missing") is None

    def test_creating_a_job_twice_keeps_the_first(self, store: JobStore) -> None:
        assert create(store, "job_1", user_id="U1") is True
        assert create(store, "job_1", user_id="U2", at=T0 + 5) is False

        record = store.get("job_1")
        assert record is not None
        assert (record.user_id, record.created_at) == ("U1", T0)
        assert timeline(store, "job_1") == ["received"]

    def test_updates_are_appended_to_the_timeline_in_order(self, store: JobStore) -> None:
        create(store, "job_1")
        store.update("job_1", "queued", at=T0 + 1)
        store.update("job_1", "generating", at=T0 + 2, detail={"attempt": 1, "model": "m"})
        store.update("job_1", "option", at=T0 + 3, detail={"index": 0, "bytes": [1, 2]})

        record = store.get("job_1")
        assert record is not None
        assert [e.status for e in record.events] == ["received", "queued", "generating", "option"]
        assert [e.at for e in record.events] == [T0, T0 + 1, T0 + 2, T0 + 3]
        assert dict(record.events[2].detail) == {"attempt": 1, "model": "m"}
        assert dict(record.events[3].detail) == {"index": 0, "bytes": [1, 2]}
        # "option" is a step, not a status: the job is still generating.
        assert record.status == "generating"
        assert record.updated_at == T0 + 3

    def test_a_delivered_job_stays_delivered_after_a_late_event(self, store: JobStore) -> None:
        create(store, "job_1")
        store.update("job_1", "delivered", at=T0 + 1)
        store.update("job_1", "generating", at=T0 + 2)
        store.update("job_1", "failed", at=T0 + 3, reason="timeout")

        record = store.get("job_1")
        assert record is not None
        assert record.status == "delivered"
        assert record.reason is None
        assert timeline(store, "job_1") == ["received", "delivered", "generating", "failed"]

    def test_a_failed_job_ignores_late_progress(self, store: JobStore) -> None:
        create(store, "job_1")
        store.update("job_1", "failed", at=T0 + 1, reason="moderation_blocked")
        store.update("job_1", "generating", at=T0 + 2, reason="should_not_show")

        record = store.get("job_1")
        assert record is not None
        assert (record.status, record.reason) == ("failed", "moderation_blocked")
        assert timeline(store, "job_1") == ["received", "failed", "generating"]

    def test_a_failed_job_becomes_delivered_when_a_retry_succeeds(self, store: JobStore) -> None:
        create(store, "job_1")
        store.update("job_1", "failed", at=T0 + 1, reason="rate_limited")
        store.update("job_1", "delivered", at=T0 + 2)

        record = store.get("job_1")
        assert record is not None
        assert (record.status, record.reason) == ("delivered", None)

    def test_reason_cost_and_provider_are_recorded(self, store: JobStore) -> None:
        create(store, "job_1")
        store.update("job_1", "generating", at=T0 + 1, provider="openai", add_cost_usd=0.04)
        store.update("job_1", "generating", at=T0 + 2, add_cost_usd=0.04)
        store.update("job_1", "failed", at=T0 + 3, reason="insufficient_quota")

        record = store.get("job_1")
        assert record is not None
        assert record.provider == "openai"
        assert record.cost_usd == pytest.approx(0.08)
        assert (record.status, record.reason) == ("failed", "insufficient_quota")

    def test_updating_an_unknown_job_raises_key_error(self, store: JobStore) -> None:
        with pytest.raises(KeyError, match="job_missing"):
            store.update("job_missing", "queued", at=T0)
        assert store.get("job_missing") is None

    # Listing

    def test_list_is_newest_first_and_limited(self, store: JobStore) -> None:
        for n in range(5):
            create(store, f"job_{n}", at=T0 + n)

        assert ids(store.list()) == ["job_4", "job_3", "job_2", "job_1", "job_0"]
        assert ids(store.list(limit=2)) == ["job_4", "job_3"]

    def test_list_filters_by_status_since_and_user(self, store: JobStore) -> None:
        create(store, "job_old", user_id="U1", at=T0)
        create(store, "job_alice", user_id="U1", at=T0 + 10)
        create(store, "job_bob", user_id="U2", at=T0 + 20)
        store.update("job_alice", "failed", at=T0 + 11, reason="timeout")
        store.update("job_old", "failed", at=T0 + 30, reason="timeout")

        assert ids(store.list(status="failed")) == ["job_alice", "job_old"]
        assert ids(store.list(since=T0 + 10)) == ["job_bob", "job_alice"]
        assert ids(store.list(user_id="U1")) == ["job_alice", "job_old"]
        assert ids(store.list(status="failed", since=T0 + 5, user_id="U1")) == ["job_alice"]
        assert ids(store.list(user_id="U3")) == []

    # Idempotency records

    def test_put_once_stores_the_first_value_only(self, store: JobStore) -> None:
        assert store.put_once("post:job_1", "ts_1", at=T0) is None
        assert store.put_once("post:job_1", "ts_2", at=T0 + 1) == "ts_1"
        assert store.put_once("post:job_2", "ts_3", at=T0 + 1) is None

    def test_put_once_from_racing_threads_has_exactly_one_winner(self, store: JobStore) -> None:
        racers = 8
        start = threading.Barrier(racers)

        def race(n: int) -> str | None:
            start.wait()
            return store.put_once("post:job_1", f"value_{n}", at=T0)

        with ThreadPoolExecutor(racers) as pool:
            results = list(pool.map(race, range(racers)))

        winners = [n for n, result in enumerate(results) if result is None]
        assert len(winners) == 1
        assert set(results) - {None} == {f"value_{winners[0]}"}

    # Quotas

    def test_quota_allows_the_limit_and_refuses_the_next(self, store: JobStore) -> None:
        assert store.consume_quota("U1", "2026-12-04", 2, "job_1") is True
        assert store.consume_quota("U1", "2026-12-04", 2, "job_2") is True
        assert store.consume_quota("U1", "2026-12-04", 2, "job_3") is False

    def test_the_same_token_never_counts_twice(self, store: JobStore) -> None:
        assert store.consume_quota("U1", "2026-12-04", 2, "job_1") is True
        assert store.consume_quota("U1", "2026-12-04", 2, "job_1") is True
        assert store.consume_quota("U1", "2026-12-04", 2, "job_2") is True
        # A redelivered job that already counted still goes through at the limit.
        assert store.consume_quota("U1", "2026-12-04", 2, "job_1") is True
        assert store.consume_quota("U1", "2026-12-04", 2, "job_3") is False

    def test_windows_and_subjects_have_separate_quotas(self, store: JobStore) -> None:
        assert store.consume_quota("U1", "2026-12-04", 1, "job_1") is True
        assert store.consume_quota("U1", "2026-12-05", 1, "job_2") is True
        assert store.consume_quota("U2", "2026-12-04", 1, "job_3") is True
        assert store.consume_quota("U1", "2026-12-04", 1, "job_4") is False

    def test_a_limit_of_zero_means_unlimited_but_still_counts(self, store: JobStore) -> None:
        assert all(store.consume_quota("U1", "2026-12-04", 0, f"job_{n}") for n in range(5))
        # Usage was recorded, so a limit set later counts what was already spent.
        assert store.consume_quota("U1", "2026-12-04", 5, "job_5") is False

    def test_create_then_records_both_events_and_the_second_status(self, store: JobStore) -> None:
        assert store.create(
            job_id="job_q",
            correlation_id="req_q",
            user_id="U1",
            team_id="T1",
            spec={},
            at=T0,
            then="queued",
        )
        record = store.get("job_q")
        assert record is not None
        assert record.status == "queued"
        assert [e.status for e in record.events] == ["received", "queued"]
        store.update("job_q", "generating", at=T0 + 1)
        record = store.get("job_q")
        assert record is not None
        assert [e.status for e in record.events] == ["received", "queued", "generating"]
