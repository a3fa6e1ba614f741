"""Operator commands: ``jobs``, ``job``, ``dlq list|redrive``."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from typing import Any

from emojiforge.cli.table import format_table
from emojiforge.errors import InvalidInput
from emojiforge.ops import describe, parse_duration, redrive
from emojiforge.settings import Settings
from emojiforge.store.base import JobRecord


def register(commands: Any) -> None:
    jobs = commands.add_parser("jobs", help="list recent jobs")
    jobs.add_argument("--status", help="received, queued, generating, delivered, failed, …")
    jobs.add_argument("--since", help="only jobs newer than this (e.g. 1h, 7d)")
    jobs.add_argument("--user", help="only this Slack user id")
    jobs.add_argument("--limit", type=int, default=50)
    jobs.set_defaults(run=run_jobs)

    job = commands.add_parser("job", help="a job's timeline, by job id or correlation id")
    job.add_argument("id", help="job_… or req_…")
    job.set_defaults(run=run_job)

    dlq = commands.add_parser("dlq", help="dead-letter queue: list or redrive")
    actions = dlq.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="show what is in the dead-letter queue")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=run_dlq_list)
    again = actions.add_parser("redrive", help="move dead letters back to the jobs queue")
    again.add_argument("--job", action="append", default=[], help="only this job id (repeatable)")
    again.set_defaults(run=run_dlq_redrive)


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _duration(record: JobRecord) -> str:
    return f"{record.updated_at - record.created_at:.1f}s"


def run_jobs(args: argparse.Namespace) -> int:
    from emojiforge.wiring import build_store

    since = time.time() - parse_duration(args.since) if args.since else None
    records = build_store(Settings.from_env()).list(
        status=args.status, since=since, user_id=args.user, limit=args.limit
    )
    rows = [
        (
            r.job_id,
            r.status,
            r.user_id,
            _when(r.created_at),
            _duration(r),
            r.provider or "",
            r.reason or "",
            f"{r.cost_usd:.3f}",
        )
        for r in records
    ]
    headers = ("job", "status", "user", "created", "took", "provider", "reason", "cost $")
    print(format_table(headers, rows) if rows else "no jobs")
    return 0


def run_job(args: argparse.Namespace) -> int:
    from emojiforge.wiring import build_store

    record = build_store(Settings.from_env()).get(args.id)
    if record is None:
        raise InvalidInput("id", f"no job or correlation id {args.id!r} in the job store")
    spec = record.spec.get("emoji_spec", {})
    print(f"job          {record.job_id}")
    print(f"reference    {record.correlation_id}")
    print(f"user         {record.user_id}  team {record.team_id or '-'}")
    print(f"asked for    {spec.get('description', '')!r} ({spec.get('style', '')})")
    print(f"status       {record.status}{f' ({record.reason})' if record.reason else ''}")
    print(f"provider     {record.provider or '-'}   cost ${record.cost_usd:.3f}")
    print(f"took         {_duration(record)}")
    rows = []
    for event in record.events:
        since_start = f"+{event.at - record.created_at:.2f}s"
        detail = " ".join(f"{k}={v}" for k, v in event.detail.items())
        rows.append((_when(event.at), since_start, event.status, detail))
    print()
    print(format_table(("time", "since start", "step", "detail"), rows))
    return 0


def run_dlq_list(args: argparse.Namespace) -> int:
    from emojiforge.wiring import build_queues

    _, dead_letter = build_queues(Settings.from_env())
    peek = getattr(dead_letter, "peek", None)
    if peek is None:
        raise InvalidInput("dlq", "this queue cannot be listed")
    letters = [describe(m) for m in peek(args.limit)]
    rows = [
        (
            d.job_id or "?",
            d.correlation_id or "?",
            d.user_id or "?",
            d.reason,
            d.receive_count,
            _when(d.sent_at),
        )
        for d in letters
    ]
    headers = ("job", "reference", "user", "reason", "receives", "first sent")
    print(format_table(headers, rows) if rows else "the dead-letter queue is empty")
    return 0


def run_dlq_redrive(args: argparse.Namespace) -> int:
    from emojiforge.wiring import build_queues

    queue, dead_letter = build_queues(Settings.from_env())
    moved = redrive(dead_letter, queue, job_ids=args.job)
    print(f"moved {len(moved)} message(s) back to the jobs queue")
    return 0
