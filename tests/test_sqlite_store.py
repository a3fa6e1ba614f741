"""The SQLite job store: the shared contract, plus what only a file-backed store can show."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from emojiforge.store.sqlite import SQLiteJobStore
from tests.conformance.store_contract import T0, JobStoreContract, create, timeline


class TestSQLiteJobStore(JobStoreContract):
    def make_store(self, tmp_path: Path) -> SQLiteJobStore:
        return SQLiteJobStore(tmp_path / "jobs.db")


def test_jobs_and_records_survive_reopening_the_file(tmp_path: Path) -> None:
    store = SQLiteJobStore(tmp_path / "jobs.db")
    create(store, "job_1")
    store.update("job_1", "delivered", at=T0 + 1, detail={"ts": "1.2"})
    store.put_once("post:job_1", "ts_1", at=T0)
    store.consume_quota("U1", "2026-12-04", 1, "job_1")
    store.close()

    reopened = SQLiteJobStore(str(tmp_path / "jobs.db"))
    try:
        record = reopened.get("job_1")
        assert record is not None
        assert record.status == "delivered"
        assert dict(record.events[-1].detail) == {"ts": "1.2"}
        assert reopened.put_once("post:job_1", "ts_2", at=T0) == "ts_1"
        assert reopened.consume_quota("U1", "2026-12-04", 1, "job_2") is False
    finally:
        reopened.close()


def test_threads_updating_different_jobs_lose_no_events(tmp_path: Path) -> None:
    store = SQLiteJobStore(tmp_path / "jobs.db")
    jobs = [f"job_{n}" for n in range(4)]
    for job_id in jobs:
        create(store, job_id)
    start = threading.Barrier(len(jobs))

    def progress(job_id: str) -> None:
        start.wait()
        for step in range(50):
            store.update(job_id, "option", at=T0 + step, detail={"step": step})

    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(progress, jobs))

    for job_id in jobs:
        record = store.get(job_id)
        assert record is not None
        assert [event.detail.get("step") for event in record.events[1:]] == list(range(50))
    store.close()


def test_two_stores_on_one_file_share_one_quota(tmp_path: Path) -> None:
    # Two stores means two connections, which lock each other like two processes do.
    stores = [SQLiteJobStore(tmp_path / "jobs.db") for _ in range(2)]
    start = threading.Barrier(8)

    def spend(n: int) -> list[bool]:
        start.wait()
        store = stores[n % 2]
        return [store.consume_quota("U1", "2026-12-04", 10, f"job_{n}_{k}") for k in range(5)]

    with ThreadPoolExecutor(8) as pool:
        granted = [ok for results in pool.map(spend, range(8)) for ok in results]

    assert granted.count(True) == 10
    for store in stores:
        store.close()


def test_prune_removes_old_jobs_and_keeps_idempotency_records(tmp_path: Path) -> None:
    store = SQLiteJobStore(tmp_path / "jobs.db")
    create(store, "job_old", at=T0)
    store.update("job_old", "delivered", at=T0 + 1)
    store.put_once("post:job_old", "ts_1", at=T0)
    create(store, "job_new", at=T0 + 100)

    assert store.prune(older_than=T0 + 50) == 1

    assert store.get("job_old") is None
    assert [record.job_id for record in store.list()] == ["job_new"]
    assert timeline(store, "job_new") == ["received"]
    # The post must still never happen twice, even for a job the store forgot.
    assert store.put_once("post:job_old", "ts_2", at=T0 + 200) == "ts_1"
    # A job id created again after pruning starts a fresh timeline.
    create(store, "job_old", at=T0 + 300)
    assert timeline(store, "job_old") == ["received"]
    store.close()
