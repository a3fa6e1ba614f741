"""How jobs, events, idempotency records and quotas are laid out as DynamoDB items.

One table, string keys ``pk``/``sk`` (``create_table`` and the CDK stack agree):

    pk=JOB#<job id>                sk=META              the job, with a ``version``
    pk=JOB#<job id>                sk=EV#<seq, padded>  its events, in written order
    pk=ONCE#<key>                  sk=ONCE              an idempotency record
    pk=QUOTA#<subject>#<window>    sk=TOKEN#<token>     a token counted in a window
    pk=QUOTA#<subject>#<window>    sk=COUNT             how many tokens it holds

GSI ``by_correlation`` (correlation_id) finds the job behind a log line; GSI
``by_user`` (user_id, created_at N) lists one person's jobs newest first.
Items are in the low-level client's typed form (``{"S": …}``, ``{"N": …}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from emojiforge.store.base import JobEvent, JobRecord, next_reason, next_status

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

Item = dict[str, Any]


def create_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the job table as the CDK stack does (tests and local development)."""
    client.create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "correlation_id", "AttributeType": "S"},
            {"AttributeName": "user_id", "AttributeType": "S"},
            {"AttributeName": "created_at", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_correlation",
                "KeySchema": [{"AttributeName": "correlation_id", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_user",
                "KeySchema": [
                    {"AttributeName": "user_id", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    )
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 60}
    )
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"},
    )


def updated_meta(
    meta: Item,
    event: JobEvent,
    reason: str | None,
    add_cost_usd: float,
    provider: str | None,
) -> Item:
    new = dict(meta)
    new_status = next_status(meta["status"]["S"], event.status)
    old_reason = meta["reason"]["S"] if "reason" in meta else None
    new_reason = next_reason(event.status, new_status, old_reason, reason)
    new["status"] = str_attr(new_status)
    new.pop("reason", None)
    if new_reason is not None:
        new["reason"] = str_attr(new_reason)
    new["updated_at"] = num_attr(max(event.at, float(meta["updated_at"]["N"])))
    # Cost is added even from a late duplicate: money spent is spent. Decimal
    # keeps the sum exact, as DynamoDB's own number type does.
    cost = Decimal(meta["cost_usd"]["N"]) + Decimal(repr(add_cost_usd))
    new["cost_usd"] = {"N": format(cost, "f")}
    if provider is not None:
        new["provider"] = str_attr(provider)
    new["version"] = num_attr(int(meta["version"]["N"]) + 1)
    return new


def event_item(job_id: str, seq: int, event: JobEvent, expires_at: Item) -> Item:
    return {
        **item_key(f"JOB#{job_id}", f"EV#{seq:012d}"),
        "at": num_attr(event.at),
        "status": str_attr(event.status),
        "detail": str_attr(to_json(event.detail)),
        "expires_at": expires_at,
    }


def event_from_item(item: Item) -> JobEvent:
    return JobEvent(
        at=float(item["at"]["N"]),
        status=item["status"]["S"],
        detail=json.loads(item["detail"]["S"]),
    )


def record_from_item(meta: Item, events: tuple[JobEvent, ...]) -> JobRecord:
    def optional(name: str) -> str | None:
        return str(meta[name]["S"]) if name in meta else None

    return JobRecord(
        job_id=meta["pk"]["S"].removeprefix("JOB#"),
        correlation_id=meta["correlation_id"]["S"],
        user_id=meta["user_id"]["S"],
        team_id=optional("team_id"),
        status=meta["status"]["S"],
        created_at=float(meta["created_at"]["N"]),
        updated_at=float(meta["updated_at"]["N"]),
        spec=json.loads(meta["spec"]["S"]),
        reason=optional("reason"),
        cost_usd=float(meta["cost_usd"]["N"]),
        provider=optional("provider"),
        events=events,
    )


def list_filters(
    *,
    status: str | None,
    since: float | None,
    user_id: str | None = None,
    since_is_key: bool = False,
    only_jobs: bool = False,
) -> Item:
    """Filter and placeholder parameters for a list query or scan; DynamoDB
    rejects empty or unused placeholder maps, so only what is used is sent."""
    filters: list[str] = []
    values: Item = {}
    names: dict[str, str] = {}
    if user_id is not None:
        values[":user"] = str_attr(user_id)
    if status is not None:
        names["#status"] = "status"  # a reserved word in DynamoDB expressions
        values[":status"] = str_attr(status)
        filters.append("#status = :status")
    if since is not None:
        values[":since"] = num_attr(since)
        if not since_is_key:
            filters.append("created_at >= :since")
    if only_jobs:
        values[":meta"] = str_attr("META")
        filters.append("sk = :meta")
    params: Item = {"ExpressionAttributeValues": values} if values else {}
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    if names:
        params["ExpressionAttributeNames"] = names
    return params


def item_key(pk: str, sk: str) -> Item:
    return {"pk": str_attr(pk), "sk": str_attr(sk)}


def str_attr(value: str) -> Item:
    return {"S": value}


def num_attr(value: float) -> Item:
    # Plain notation: repr() may give "1e-05", and Decimal keeps every digit of it.
    return {"N": format(Decimal(repr(value)), "f")}


def to_json(value: Mapping[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
