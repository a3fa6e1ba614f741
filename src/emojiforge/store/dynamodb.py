"""The job store on one DynamoDB table: the AWS twin of the SQLite store.

Item layout: ``dynamodb_items``. Both GSIs are eventually consistent: a job
written a moment ago may be missing from them for a moment.

The status rules need the current status, so ``update`` is an optimistic
read-modify-write: read META, then in one transaction write META back on the
condition that its ``version`` is unchanged, together with the event whose
sort key is that next version. A racing writer fails the condition and reads
again, so no event or cost is ever lost, and the timeline order is the commit
order, exactly like SQLite's sequence numbers.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from emojiforge.errors import EmojiForgeError
from emojiforge.store.base import JobEvent, JobRecord, next_status
from emojiforge.store.dynamodb_items import (
    Item,
    create_table,
    event_from_item,
    event_item,
    item_key,
    list_filters,
    num_attr,
    record_from_item,
    str_attr,
    to_json,
    updated_meta,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["RETENTION_S", "DynamoJobStore", "create_table"]
# Aliases, because inside the store class ``list`` names its method, not the type.
Items = list[Item]
Codes = list[str]

# Jobs, their events and idempotency records expire a month after they are
# written: longer than SQS keeps a message (14 days at most), so no redelivery
# can outlive the record that makes it idempotent.
RETENTION_S = 30 * 24 * 3600
# Two writers on one job are rare (webhook and worker); a few quick retries settle it.
WRITE_ATTEMPTS = 8
BACKOFF_S = 0.02
_CONDITION_FAILED = "ConditionalCheckFailed"


class DynamoJobStore:
    """``JobStore`` on a DynamoDB table (layout: ``dynamodb_items``).

    ``list`` without ``user_id`` scans the whole table: it is meant for the
    operator's CLI on a table of modest size, not for a request path.
    """

    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient,
        *,
        retention_s: int = RETENTION_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._table = table_name
        self._client = client
        self._retention_s = retention_s
        # Only quota items read the clock, for their expiry: the API gives them no time.
        self._clock = clock

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
        expires_at = num_attr(int(at) + self._retention_s)
        status = next_status("received", then) if then else "received"
        meta: Item = {
            **item_key(f"JOB#{job_id}", "META"),
            "correlation_id": str_attr(correlation_id),
            "user_id": str_attr(user_id),
            "status": str_attr(status),
            "created_at": num_attr(at),
            "updated_at": num_attr(at),
            "spec": str_attr(to_json(spec)),
            "cost_usd": num_attr(0),
            "version": num_attr(2 if then else 1),
            "expires_at": expires_at,
        }
        if team_id is not None:
            meta["team_id"] = str_attr(team_id)
        events = [event_item(job_id, 1, JobEvent(at=at, status="received"), expires_at)]
        if then:
            events.append(event_item(job_id, 2, JobEvent(at=at, status=then), expires_at))
        codes = self._transact([self._put_new(meta), *(self._put_new(e) for e in events)])
        if codes and codes[0] == _CONDITION_FAILED:
            return False
        _raise_unless_ok(codes)
        return True

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
        event = JobEvent(at=at, status=status, detail=detail or {})
        for attempt in range(WRITE_ATTEMPTS):
            meta = self._get_item(f"JOB#{job_id}", "META")
            if meta is None:
                raise KeyError(f"no job {job_id!r}: create it before updating it")
            version = int(meta["version"]["N"])
            new_meta = updated_meta(meta, event, reason, add_cost_usd, provider)
            codes = self._transact(
                [
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": new_meta,
                            "ConditionExpression": "version = :seen",
                            "ExpressionAttributeValues": {":seen": num_attr(version)},
                        }
                    },
                    self._put_new(event_item(job_id, version + 1, event, meta["expires_at"])),
                ]
            )
            if not codes:
                return
            if codes[0] != _CONDITION_FAILED:
                _raise_unless_ok(codes)
            _backoff(attempt)  # another writer got there first: read again
        raise EmojiForgeError(f"job {job_id} is updated too often: gave up on one update")

    def get(self, job_or_correlation_id: str) -> JobRecord | None:
        record = self._load(job_or_correlation_id)
        if record is not None:
            return record
        found = self._query(
            IndexName="by_correlation",
            KeyConditionExpression="correlation_id = :id",
            ExpressionAttributeValues={":id": str_attr(job_or_correlation_id)},
        )
        if not found:
            return None
        # A correlation id can be reused by a retried request: the newest job wins.
        newest = max(found, key=lambda item: (float(item["created_at"]["N"]), item["pk"]["S"]))
        return self._load(newest["pk"]["S"].removeprefix("JOB#"))

    def list(
        self,
        *,
        status: str | None = None,
        since: float | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[JobRecord]:
        metas = (
            self._user_metas(user_id, status, since, limit)
            if user_id is not None
            else self._all_metas(status, since)
        )
        metas.sort(key=lambda item: (float(item["created_at"]["N"]), item["pk"]["S"]), reverse=True)
        loaded = (self._load(item["pk"]["S"].removeprefix("JOB#")) for item in metas[:limit])
        return [record for record in loaded if record is not None]

    def put_once(self, key: str, value: str, *, at: float) -> str | None:
        item = {
            **item_key(f"ONCE#{key}", "ONCE"),
            "value": str_attr(value),
            "at": num_attr(at),
            "expires_at": num_attr(int(at) + self._retention_s),
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk)",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except self._client.exceptions.ConditionalCheckFailedException as error:
            stored: Item | None = error.response.get("Item")  # type: ignore[assignment]
            if stored is None:  # servers that ignore ReturnValuesOnConditionCheckFailure
                stored = self._get_item(f"ONCE#{key}", "ONCE")
            if stored is None:  # only if the record expired in between
                return self.put_once(key, value, at=at)
            return str(stored["value"]["S"])
        return None

    def consume_quota(self, subject: str, window: str, limit: int, token: str) -> bool:
        # One transaction records the token (only if new) and bumps the counter
        # (only if under the limit): both happen or neither, so a token is
        # counted at most once and the count never passes the limit.
        pk = f"QUOTA#{subject}#{window}"
        expires_at = num_attr(int(self._clock()) + self._retention_s)
        token_item = {**item_key(pk, f"TOKEN#{token}"), "expires_at": expires_at}
        bump: Item = {
            "TableName": self._table,
            "Key": item_key(pk, "COUNT"),
            "UpdateExpression": "ADD used :one SET expires_at = :expires",
            "ExpressionAttributeValues": {":one": num_attr(1), ":expires": expires_at},
        }
        if limit > 0:
            # Counted even when unlimited, so a limit set later counts what was spent.
            bump["ConditionExpression"] = "attribute_not_exists(used) OR used < :limit"
            bump["ExpressionAttributeValues"][":limit"] = num_attr(limit)
        codes = self._transact([self._put_new(token_item), {"Update": bump}])
        if not codes or codes[0] == _CONDITION_FAILED:
            return True  # counted now, or counted before: the same token never counts twice
        if codes[1] == _CONDITION_FAILED:
            return False
        _raise_unless_ok(codes)
        return True

    # Reading

    def _load(self, job_id: str) -> JobRecord | None:
        # META sorts after every EV# item, so one query returns the whole job.
        items = self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": str_attr(f"JOB#{job_id}")},
            ConsistentRead=True,
        )
        metas = [item for item in items if item["sk"]["S"] == "META"]
        if not metas:
            return None
        events = tuple(event_from_item(item) for item in items if item["sk"]["S"].startswith("EV#"))
        return record_from_item(metas[0], events)

    def _user_metas(
        self, user_id: str, status: str | None, since: float | None, limit: int
    ) -> Items:
        keys = "user_id = :user" + (" AND created_at >= :since" if since is not None else "")
        return self._query(
            IndexName="by_user",
            KeyConditionExpression=keys,
            ScanIndexForward=False,
            stop_after=limit,
            **list_filters(status=status, since=since, user_id=user_id, since_is_key=True),
        )

    def _all_metas(self, status: str | None, since: float | None) -> Items:
        return self._scan(**list_filters(status=status, since=since, only_jobs=True))

    def _get_item(self, pk: str, sk: str) -> Item | None:
        found = self._client.get_item(
            TableName=self._table, Key=item_key(pk, sk), ConsistentRead=True
        )
        return found.get("Item")

    def _query(self, *, stop_after: int | None = None, **params: Any) -> Items:
        items: Items = []
        for page in self._client.get_paginator("query").paginate(TableName=self._table, **params):
            items.extend(page["Items"])
            if stop_after is not None and len(items) >= stop_after:
                break
        return items

    def _scan(self, **params: Any) -> Items:
        pages = self._client.get_paginator("scan").paginate(TableName=self._table, **params)
        return [item for page in pages for item in page["Items"]]

    # Writing

    def _put_new(self, item: Item) -> Item:
        return {
            "Put": {
                "TableName": self._table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }

    def _transact(self, actions: Sequence[Item]) -> Codes:
        """Run one transaction: [] when it committed, else one cancellation code per
        action ("None" for those that were fine). A clash with another transaction
        on the same items is not an answer, so it is retried."""
        for attempt in range(WRITE_ATTEMPTS):
            try:
                self._client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
                return []
            except self._client.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons", [])
                codes = [reason.get("Code", "None") for reason in reasons]
                if len(codes) != len(actions):  # no reasons given: never read as success
                    codes = ["Unknown"] * len(actions)
                if "TransactionConflict" not in codes:
                    return codes
            _backoff(attempt)
        raise EmojiForgeError("the job table is busy: gave up on one write")


def _raise_unless_ok(codes: Iterable[str]) -> None:
    failed = [code for code in codes if code not in ("None", "")]
    if failed:
        raise EmojiForgeError(f"the job table refused a write ({', '.join(failed)})")


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, BACKOFF_S * 2**attempt))
