"""Job records as the page sees them (pure: a record in, JSON-ready dicts out)."""

from __future__ import annotations

from typing import Any

from emojiforge.playground import PLAYGROUND_TEAM
from emojiforge.playground.delivery import NOTICE_EVENT, OPTIONS_EVENT
from emojiforge.store.base import TERMINAL, JobRecord


def option_url(job_id: str, index: int) -> str:
    return f"/api/jobs/{job_id}/options/{index}"


def latest_detail(record: JobRecord, event_status: str) -> dict[str, Any] | None:
    """The detail of the newest ``event_status`` event: a redelivered job's last word."""
    for event in reversed(record.events):
        if event.status == event_status:
            return dict(event.detail)
    return None


def options_of(record: JobRecord) -> list[dict[str, Any]]:
    detail = latest_detail(record, OPTIONS_EVENT) or {}
    options = []
    for option in detail.get("options") or []:
        url = option_url(record.job_id, int(option["index"]))
        options.append({**option, "url": url, "download_url": f"{url}?download=1"})
    return options


def job_summary(record: JobRecord, now: float) -> dict[str, Any]:
    spec = record.spec.get("emoji_spec") or {}
    finished = record.status in TERMINAL
    return {
        "job_id": record.job_id,
        "source": "playground" if record.team_id == PLAYGROUND_TEAM else "slack",
        "status": record.status,
        "description": spec.get("description", ""),
        "style": spec.get("style"),
        "effect": spec.get("effect"),
        "provider": record.provider or spec.get("provider"),
        "reason": record.reason,
        "created_at": record.created_at,
        "finished": finished,
        # A running job's duration so far; a finished job's total.
        "duration_s": round((record.updated_at if finished else now) - record.created_at, 2),
    }


def job_detail(record: JobRecord, now: float) -> dict[str, Any]:
    spec = record.spec.get("emoji_spec") or {}
    notice = latest_detail(record, NOTICE_EVENT) or {}
    return {
        **job_summary(record, now),
        "name": spec.get("name"),
        "options_requested": spec.get("options", 1),
        "message": notice.get("message"),
        "timeline": [
            {"at": event.at, "status": event.status, "detail": dict(event.detail)}
            for event in record.events
        ],
        "options": options_of(record),
    }
