"""Count the AWS API calls a piece of code makes, for the cost estimate.

botocore sends every operation of every client through
``BaseClient._make_api_call``; wrapping it while the block runs counts calls per
service and operation, and estimates DynamoDB capacity units from item sizes
(1 write unit per KB written, transactions twice; 1 read unit per 4 KB read
strongly, half that eventually consistent).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


class ApiCalls:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()  # "sqs.SendMessage" -> count
        self.write_units = 0.0
        self.read_units = 0.0
        self.seconds = 0.0  # waiting on AWS (here: moto), client side

    def count(self, service: str, operation: str) -> int:
        return self.calls[f"{service}.{operation}"]

    def service_total(self, service: str) -> int:
        return sum(n for key, n in self.calls.items() if key.startswith(f"{service}."))

    def record(self, service: str, operation: str, params: dict[str, Any], answer: Any) -> None:
        self.calls[f"{service}.{operation}"] += 1
        if service != "dynamodb":
            return
        if operation in _WRITES:
            self.write_units += _kb(params.get("Item") or params.get("Key"))
        elif operation == "TransactWriteItems":
            for action in params.get("TransactItems", []):
                body = next(iter(action.values()))
                self.write_units += 2 * _kb(body.get("Item") or body.get("Key"))
        elif operation in {"GetItem", "Query", "Scan"}:
            items = answer.get("Items") or [answer.get("Item") or {}]
            share = 1.0 if params.get("ConsistentRead") else 0.5
            self.read_units += share * max(1, math.ceil(_size(items) / 4096))

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": dict(self.calls),
            "dynamodb_write_units": self.write_units,
            "dynamodb_read_units": self.read_units,
        }


def _size(value: Any) -> int:
    return len(json.dumps(value, default=str))


def _kb(item: Any) -> int:
    return max(1, math.ceil(_size(item) / 1024))


@contextmanager
def counting(into: ApiCalls | None = None) -> Iterator[ApiCalls]:
    """Count the block's calls, adding to ``into`` when given (so a bench can
    count only its timed parts and leave its own housekeeping out)."""
    counted = into or ApiCalls()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def wrapped(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        started = time.perf_counter()
        answer = original(client, operation, params)
        counted.seconds += time.perf_counter() - started
        service = client.meta.service_model.service_name
        counted.record(service, operation, params, answer)
        return answer

    BaseClient._make_api_call = wrapped  # type: ignore[attr-defined]
    try:
        yield counted
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]
