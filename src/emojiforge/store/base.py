"""The job-store boundary: status + timeline, idempotent side effects, quotas.

Both implementations (SQLite, DynamoDB) pass tests/conformance/store_contract.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

Status = Literal["received", "queued", "generating", "delivering", "delivered", "failed"]
TERMINAL: frozenset[str] = frozenset({"delivered", "failed"})
STATUSES: frozenset[str] = frozenset(get_args(Status))


@dataclass(frozen=True)
class JobEvent:
    at: float  # epoch seconds
    status: str  # a Status, or a free-form step such as "receive" or "option"
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    correlation_id: str
    user_id: str
    team_id: str | None
    status: str
    created_at: float
    updated_at: float
    spec: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None  # failure reason code
    cost_usd: float = 0.0
    provider: str | None = None
    events: tuple[JobEvent, ...] = ()


class JobStore(Protocol):
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
        """Record a new job as ``received``; False (and no change) if it exists.

        ``then`` (e.g. ``"queued"``) records a second event in the same write
        and makes it the job's status: the webhook's fast path saves a round trip.
        """
        ...

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
        """Append an event; a Status also becomes the job's status. A terminal
        job keeps its terminal status (late events are still appended)."""
        ...

    def get(self, job_or_correlation_id: str) -> JobRecord | None: ...

    def list(
        self,
        *,
        status: str | None = None,
        since: float | None = None,
        user_id: str | None = None,
        limit: int = 50,
    ) -> list[JobRecord]:
        """Newest first."""
        ...

    def put_once(self, key: str, value: str, *, at: float) -> str | None:
        """Idempotency record: store ``value`` under ``key`` unless present.
        Returns None when stored now, else the value stored earlier."""
        ...

    def consume_quota(self, subject: str, window: str, limit: int, token: str) -> bool:
        """Count ``token`` (e.g. a job id) against ``subject``'s ``window``
        (e.g. ``2026-12-04``). The same token never counts twice. False when
        the limit is reached and the token is new."""
        ...


# The status rules live here so every store applies exactly the same ones.


def next_status(current: str, event_status: str) -> str:
    """The job's status after an event.

    Free-form steps ("receive", "option") never change it. A terminal status
    is sticky, because a redelivered job's late events must not reopen a
    finished one, with one exception: ``failed`` -> ``delivered``, since a
    later successful retry or redrive is what the user actually got.
    """
    if event_status not in STATUSES:
        return current
    retry_won = current == "failed" and event_status == "delivered"
    if current in TERMINAL and not retry_won:
        return current
    return event_status


def next_reason(
    event_status: str, new_status: str, old: str | None, given: str | None
) -> str | None:
    """The failure reason after an event moved the job to ``new_status``."""
    if new_status == "delivered":
        return None  # the retry that delivered it won: no failure reason to show
    # A late event that could not move a terminal job must not rewrite its outcome.
    refused = event_status in STATUSES and event_status != new_status
    return old if refused or given is None else given
