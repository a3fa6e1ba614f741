"""Figures 3-4: cold starts, each in a new Python process playing a new Lambda container.

The webhook child imports ``aws.webhook_handler`` and answers a signed
``view_submission`` (secrets from Secrets Manager, job to DynamoDB and SQS on
moto's server); it must not have imported openai or Pillow. The worker child
imports ``aws.worker_handler`` and processes one job with the offline provider,
delivering to the fake Slack. Each child then answers a second, warm event,
whose duration (and AWS calls) the cost estimate uses.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from bench.aws_stack import Stack, aws_stack, http_api_event, sqs_event
from bench.slack_requests import modal_view, submission_request
from bench.table import GroupResult, Row, at_most
from emojiforge.aws import webhook_handler

ROOT = Path(__file__).resolve().parents[1]
TARGET_WEBHOOK_MS = 400.0
WEBHOOK_RUNS = 5
WORKER_RUNS = 3
TOP_IMPORTS = 6


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    with aws_stack() as stack, open(os.devnull, "w") as sink, redirect_stdout(sink):
        webhook_handler.reset()
        view = modal_view(stack.slack, lambda request: _send(request)["statusCode"])
        webhooks = [_webhook_child(stack, view, run, result) for run in range(WEBHOOK_RUNS)]
        imports = _slowest_imports(stack, view)
        uploads = len(stack.slack.uploads)
        workers = [_worker_child(stack, view, run, result) for run in range(WORKER_RUNS)]
        delivered = len(stack.slack.uploads) - uploads
        result.check(delivered == 2 * WORKER_RUNS, f"worker children delivered {delivered} emoji")
        webhook_handler.reset()
    _report_webhook(result, webhooks, imports)
    _report_worker(result, workers)
    return result


def _send(request: Any) -> dict[str, Any]:
    return webhook_handler.handler(http_api_event(request.body, dict(request.headers)), None)


def _child(stack: Stack, kind: str, events: list[Any], flags: tuple[str, ...] = ()) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        result_file = Path(tmp) / "result.json"
        env = {**stack.child_env(), "BENCH_SPAWNED_AT": repr(time.time())}
        started = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, *flags, "-m", "bench.cold_child", kind, str(result_file)],
            input=json.dumps(events),
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        wall_ms = (time.perf_counter() - started) * 1000
        if finished.returncode != 0:
            raise RuntimeError(f"{kind} child failed:\n{finished.stderr[-2000:]}")
        figures = json.loads(result_file.read_text())
    figures["process_wall_ms"] = wall_ms
    figures["stderr"] = finished.stderr
    return figures


def _submission_events(view: dict[str, Any], run: str) -> list[Any]:
    requests = [submission_request(view, run, index) for index in range(2)]
    return [http_api_event(r.body, dict(r.headers)) for r in requests]


def _webhook_child(stack: Stack, view: dict[str, Any], run: int, result: GroupResult) -> Any:
    figures = _child(stack, "webhook", _submission_events(view, f"CW{run}"))
    statuses = [answer["statusCode"] for answer in figures["answers"]]
    result.check(statuses == [200, 200], f"cold webhook answered {statuses}")
    heavy = figures["heavy_imported"]
    result.check(not heavy, f"the webhook imported {', '.join(heavy)}")
    return figures


def _slowest_imports(stack: Stack, view: dict[str, Any]) -> list[tuple[str, float]]:
    """``-X importtime`` of one webhook child: the heaviest packages, each at its
    outermost import (so ``boto3`` includes the botocore it pulls in)."""
    figures = _child(stack, "webhook", _submission_events(view, "CI"), ("-X", "importtime"))
    top: dict[str, float] = {}
    for line in figures["stderr"].splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s+(\S+)$", line)
        if found:
            package = found.group(2).split(".")[0]
            top[package] = max(top.get(package, 0.0), int(found.group(1)) / 1000)
    ours = {"emojiforge", "bench", "encodings", "site", "runpy"}
    ranked = sorted((item for item in top.items() if item[0] not in ours), key=lambda i: -i[1])
    return ranked[:TOP_IMPORTS]


def _worker_child(stack: Stack, view: dict[str, Any], run: int, result: GroupResult) -> Any:
    for request in [submission_request(view, f"CK{run}", index) for index in range(2)]:
        result.check(_send(request)["statusCode"] == 200, "a worker-bench submission failed")
    events = sqs_event(stack, 2)
    result.check(len(events) == 2, f"expected 2 jobs on the queue, found {len(events)}")
    figures = _child(stack, "worker", events)
    failures = [answer["batchItemFailures"] for answer in figures["answers"]]
    result.check(failures == [[], []], f"the worker reported failures: {failures}")
    return figures


def _median(runs: list[Any], key: str) -> float:
    return statistics.median(float(run[key]) for run in runs)


def _report_webhook(result: GroupResult, runs: list[Any], imports: list[tuple[str, float]]) -> None:
    first = _median(runs, "spawn_to_first_answer_ms")
    in_child = statistics.median(r["import_ms"] + r["first_ms"] for r in runs)
    figures = {
        "webhook_cold_spawn_to_first_answer_ms": first,
        "webhook_cold_import_plus_first_ms": in_child,
        "webhook_cold_import_ms": _median(runs, "import_ms"),
        "webhook_cold_first_request_ms": _median(runs, "first_ms"),
        "webhook_cold_process_wall_ms": _median(runs, "process_wall_ms"),
        "webhook_child_warm_ms": statistics.median(r["warm_ms"][0] for r in runs),
        "webhook_cold_cpu_import_plus_first_ms": _median(runs, "cpu_import_plus_first_ms"),
    }
    cpu = figures["webhook_cold_cpu_import_plus_first_ms"]
    result.figures.update(figures)
    result.rows.append(
        at_most(
            "Webhook cold start (spawn -> first answer)",
            f"{first:.0f} ms (import {figures['webhook_cold_import_ms']:.0f} + first request "
            f"{figures['webhook_cold_first_request_ms']:.0f} ms, CPU {cpu:.0f} ms; process "
            f"{figures['webhook_cold_process_wall_ms']:.0f} ms)",
            first,
            TARGET_WEBHOOK_MS,
        )
    )
    heavy = sorted({name for run in runs for name in run["heavy_imported"]})
    result.rows.append(
        Row(
            "  openai / PIL in the webhook's sys.modules",
            "yes: " + ", ".join(heavy) if heavy else "neither (checked in every child)",
            "neither",
            not heavy,
        )
    )
    listed = ", ".join(f"{name} {ms:.0f}" for name, ms in imports)
    result.rows.append(Row("  slowest imports (-X importtime, ms)", listed))


def _report_worker(result: GroupResult, runs: list[Any]) -> None:
    first = _median(runs, "spawn_to_first_answer_ms")
    warm = statistics.median(r["warm_ms"][0] for r in runs)
    calls = runs[-1]["aws_calls_warm"] or {}
    cpu = _median(runs, "cpu_import_plus_first_ms")
    result.figures.update(
        {
            "worker_cold_spawn_to_first_done_ms": first,
            "worker_cold_import_ms": _median(runs, "import_ms"),
            "worker_cold_first_job_ms": _median(runs, "first_ms"),
            "worker_cold_process_wall_ms": _median(runs, "process_wall_ms"),
            "worker_warm_job_ms": warm,
            "worker_cold_cpu_import_plus_first_ms": cpu,
            "worker_aws_calls": float(sum(calls.get("calls", {}).values())),
            "worker_sqs_calls": float(
                sum(n for k, n in calls.get("calls", {}).items() if k.startswith("sqs."))
            ),
            "worker_dynamodb_write_units": float(calls.get("dynamodb_write_units", 0.0)),
            "worker_dynamodb_read_units": float(calls.get("dynamodb_read_units", 0.0)),
        }
    )
    result.rows.append(
        Row(
            "Worker cold start, offline provider (spawn -> job done)",
            f"{first:.0f} ms (import {result.figures['worker_cold_import_ms']:.0f} + job "
            f"{result.figures['worker_cold_first_job_ms']:.0f} ms, CPU {cpu:.0f} ms); "
            f"warm job {warm:.0f} ms with {result.figures['worker_aws_calls']:.0f} AWS calls",
        )
    )
