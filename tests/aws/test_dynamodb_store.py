"""The DynamoDB store on moto's server: the shared contract, plus its own table rules."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from emojiforge.store.dynamodb import RETENTION_S, DynamoJobStore, create_table
from tests.aws.conftest import unique_name
from tests.conformance.store_contract import T0, JobStoreContract, create

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@pytest.fixture
def table(dynamodb: DynamoDBClient) -> Iterator[str]:
    name = unique_name("jobs")
    create_table(dynamodb, name)
    yield name
    dynamodb.delete_table(TableName=name)


class OneCallAtATime:
    """A client that sends one request at a time.

    moto gap: moto runs a TransactWriteItems without isolation, and undoes a
    cancelled one by restoring a copy of the whole table, erasing writes that
    other requests made meanwhile; DynamoDB does neither. One request at a time
    keeps moto honest, while the threads' reads and conditional writes still
    interleave between requests, which is the race the store must survive.
    """

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name in {"exceptions", "meta", "get_paginator"} or not callable(attribute):
            return attribute

        def one_at_a_time(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return one_at_a_time


def racing_store(dynamodb: DynamoDBClient, table: str) -> DynamoJobStore:
    return DynamoJobStore(table, cast("DynamoDBClient", OneCallAtATime(dynamodb)))


class TestDynamoJobStore(JobStoreContract):
    def make_store(self, tmp_path: Path) -> DynamoJobStore:
        raise NotImplementedError("the store fixture below needs moto's server")

    @pytest.fixture
    def store(self, dynamodb: DynamoDBClient, table: str) -> DynamoJobStore:
        return DynamoJobStore(table, dynamodb)


def test_job_items_expire_a_month_after_creation(dynamodb: DynamoDBClient, table: str) -> None:
    store = DynamoJobStore(table, dynamodb)
    create(store, "job_1")
    store.update("job_1", "queued", at=T0 + 60)

    items = dynamodb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "JOB#job_1"}},
    )["Items"]

    assert {item["sk"]["S"] for item in items} == {"META", "EV#000000000001", "EV#000000000002"}
    assert {item["expires_at"]["N"] for item in items} == {str(int(T0) + RETENTION_S)}


def test_the_table_has_ttl_on_expires_at(dynamodb: DynamoDBClient, table: str) -> None:
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert (ttl.get("TimeToLiveStatus"), ttl.get("AttributeName")) == ("ENABLED", "expires_at")


def test_concurrent_updates_of_one_job_lose_no_event_and_no_cost(
    dynamodb: DynamoDBClient, table: str
) -> None:
    store = racing_store(dynamodb, table)
    create(store, "job_1")
    writers, steps = 4, 5
    start = threading.Barrier(writers)

    def progress(writer: int) -> None:
        start.wait()
        for step in range(steps):
            store.update(
                "job_1",
                "option",
                at=T0 + step,
                detail={"w": writer, "step": step},
                add_cost_usd=0.01,
            )

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(progress, range(writers)))

    record = store.get("job_1")
    assert record is not None
    assert len(record.events) == 1 + writers * steps
    assert record.cost_usd == pytest.approx(0.01 * writers * steps)
    for writer in range(writers):
        mine = [e.detail["step"] for e in record.events if e.detail.get("w") == writer]
        assert mine == list(range(steps))


def test_racing_quota_consumers_never_pass_the_limit(dynamodb: DynamoDBClient, table: str) -> None:
    store = racing_store(dynamodb, table)
    start = threading.Barrier(6)

    def spend(n: int) -> list[bool]:
        start.wait()
        return [store.consume_quota("U1", "2026-12-04", 7, f"job_{n}_{k}") for k in range(3)]

    with ThreadPoolExecutor(6) as pool:
        granted = [ok for results in pool.map(spend, range(6)) for ok in results]

    assert granted.count(True) == 7


def test_a_job_without_a_team_reads_back_as_none(dynamodb: DynamoDBClient, table: str) -> None:
    store = DynamoJobStore(table, dynamodb)
    store.create(job_id="job_1", correlation_id="req_1", user_id="U1", team_id=None, spec={}, at=T0)

    record = store.get("job_1")
    assert record is not None
    assert record.team_id is None
