"""Figures 1-2: warm webhook ack latency, through the Lambda handler and the local server.

Lambda: a signed ``view_submission`` in an API Gateway v2 event through
``aws.webhook_handler.handler``, in this process, with the job recorded in
DynamoDB and sent to SQS FIFO on moto's server. Local: the same request over
HTTP (keep-alive) to ``LocalServer`` with the embedded SQLite queue and store.
The local server runs no worker thread here: this measures the ack alone; the
load test measures it with the worker competing.
"""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET, signed, slash_command

from bench.api_calls import ApiCalls, counting
from bench.aws_stack import aws_stack, http_api_event
from bench.slack_requests import modal_view, submission_request
from bench.table import GroupResult, Row, at_most, latency
from emojiforge.aws import webhook_handler
from emojiforge.server import SLACK_PATH, LocalServer
from emojiforge.settings import Settings
from emojiforge.webhook import HttpRequest
from emojiforge.wiring import build_queues, build_store, build_webhook

TARGET_P99_MS = 25.0
WARMUP = 10
REQUESTS = 200
COMMANDS = 30


def run(context: dict[str, float]) -> GroupResult:
    result = GroupResult()
    _lambda(result)
    _local(result)
    return result


def _lambda(result: GroupResult) -> None:
    calls = ApiCalls()
    # Powertools writes EMF metrics to stdout; the bench's output is the table.
    with aws_stack() as stack, open(os.devnull, "w") as sink, redirect_stdout(sink):
        webhook_handler.reset()

        def send(request: HttpRequest) -> tuple[int, str]:
            event = http_api_event(request.body, dict(request.headers))
            with counting(calls):
                answer = webhook_handler.handler(event, None)
            return int(answer["statusCode"]), str(answer["body"])

        view = modal_view(stack.slack, lambda request: send(request)[0])
        commands = _timed(send, [signed(slash_command("ship it")) for _ in range(COMMANDS)], result)
        _timed(send, _submissions(view, "LW", WARMUP), result)
        stack.take_jobs()
        stack.clear_table()
        calls = ApiCalls()
        acks, own = [], []
        for index in range(REQUESTS):
            request = submission_request(view, "LA", index)
            waited = calls.seconds
            [ack] = _timed(send, [request], result)
            acks.append(ack)
            own.append(ack - (calls.seconds - waited) * 1000)
            # Untimed: the job is on SQS exactly once; then moto is reset.
            jobs = stack.take_jobs()
            result.check(len(jobs) == 1, f"lambda webhook: one ack gave {len(jobs)} jobs")
            stack.clear_table()
        webhook_handler.reset()
    _report(result, "Webhook warm ack, Lambda + moto SQS", "lambda_ack", latency(acks))
    mine = latency(own)
    result.figures["lambda_ack_own_code_p50_ms"] = mine["p50_ms"]
    result.figures["lambda_ack_own_code_p99_ms"] = mine["p99_ms"]
    per_ack = sum(calls.calls.values()) / REQUESTS
    result.rows.append(
        Row(
            "  of which our code (ack minus AWS calls) p99",
            f"p50 {mine['p50_ms']:.1f} / p99 {mine['p99_ms']:.1f} ms; {per_ack:.0f} AWS calls/ack",
        )
    )
    result.figures["lambda_command_p50_ms"] = latency(commands)["p50_ms"]
    result.figures["lambda_aws_calls_per_ack"] = per_ack
    # Per submission, for the cost estimate.
    result.figures["webhook_sqs_calls"] = calls.service_total("sqs") / REQUESTS
    result.figures["webhook_dynamodb_write_units"] = calls.write_units / REQUESTS
    result.figures["webhook_dynamodb_read_units"] = calls.read_units / REQUESTS


def _local(result: GroupResult) -> None:
    with FakeSlack() as slack, tempfile.TemporaryDirectory() as tmp:
        settings = local_settings(Path(tmp), slack)
        queue, _ = build_queues(settings)
        store = build_store(settings)
        server = LocalServer(build_webhook(settings, queue=queue, store=store), [], port=0)
        server.start()
        host, port = server.httpd.server_address[:2]
        connection = http.client.HTTPConnection(str(host), port, timeout=10)
        try:

            def send(request: HttpRequest) -> tuple[int, str]:
                connection.request("POST", SLACK_PATH, request.body, dict(request.headers))
                response = connection.getresponse()
                return response.status, response.read().decode()

            view = modal_view(slack, lambda request: send(request)[0])
            _timed(send, _submissions(view, "SW", WARMUP), result)
            acks = _timed(send, _submissions(view, "SA", REQUESTS), result)
            queued = queue.approximate_depth()[0]
            expected = WARMUP + REQUESTS
            result.check(queued == expected, f"local webhook: {expected} acks but {queued} jobs")
        finally:
            connection.close()
            server.stop()
    _report(result, "Webhook warm ack, local server HTTP", "local_ack", latency(acks))


def _submissions(view: dict[str, Any], run: str, count: int) -> list[HttpRequest]:
    return [submission_request(view, run, index) for index in range(count)]


def _timed(
    send: Callable[[HttpRequest], tuple[int, str]],
    requests: list[HttpRequest],
    result: GroupResult,
) -> list[float]:
    """Milliseconds per request; every answer must be a 200 that Slack would accept."""
    durations = []
    for request in requests:
        started = time.perf_counter()
        status, body = send(request)
        durations.append((time.perf_counter() - started) * 1000)
        if status != 200 or (body.startswith("{") and "errors" in json.loads(body)):
            result.check(False, f"webhook answered {status}: {body[:200]}")
            break
    return durations


def _report(result: GroupResult, figure: str, key: str, stats: dict[str, float]) -> None:
    for name, value in stats.items():
        result.figures[f"{key}_{name}"] = value
    measured = (
        f"p50 {stats['p50_ms']:.1f} / p99 {stats['p99_ms']:.1f} ms (n={stats['samples']:.0f})"
    )
    result.rows.append(at_most(f"{figure} p99", measured, stats["p99_ms"], TARGET_P99_MS))


def local_settings(folder: Path, slack: FakeSlack) -> Settings:
    return Settings.from_env(
        {
            "EMOJIFORGE_DATA_DIR": str(folder / "data"),
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_API_URL": slack.base_url,
            "EMOJIFORGE_WORKSPACE_URL": "https://acme.slack.com",
            "EMOJIFORGE_LOG_LEVEL": "WARNING",
        }
    )
