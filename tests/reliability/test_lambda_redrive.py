"""The Lambda worker on moto's SQS: a provider storm ends in the dead-letter queue
through SQS's own redrive (maxReceiveCount 3), the person told once; a poison
record in the same batch as good ones fails nobody else."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from emojiforge.aws import webhook_handler, worker_handler
from tests.aws.conftest import unique_name
from tests.aws.deployment import Deployed, deploy, lambda_environment, receive_messages
from tests.aws.lambda_events import rest_event, sqs_event
from tests.fakes.openai_api import SERVER_ERROR, FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import signed, slash_command, submission

MAX_RECEIVES = 3


@dataclass
class Deployment(Deployed):
    openai: FakeOpenAI


@pytest.fixture
def deployed(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Deployment]:
    # The provider's script: a storm of server errors unless a test passes its own.
    script = getattr(request, "param", [SERVER_ERROR] * 50)
    with FakeSlack() as slack, FakeOpenAI(script=script) as openai:
        env = deploy(
            aws_endpoint,
            unique_name("storm"),
            slack=slack,
            openai=openai,
            max_receives=MAX_RECEIVES,
            visibility_timeout_s=1,
        )
        # A short job budget: the provider's retries stop early in each receive.
        env["EMOJIFORGE_WORKER_TIMEOUT_S"] = "1"
        with lambda_environment(monkeypatch, env):
            yield Deployment.of(aws_endpoint, env, slack, openai=openai)


def webhook(body: bytes) -> dict[str, Any]:
    request = signed(body)
    return webhook_handler.handler(rest_event(request.body, dict(request.headers)), None)


def receive(deployed: Deployment, url: str | None = None) -> dict[str, Any]:
    """One long poll, shaped the way Lambda's event source hands records over."""
    received = receive_messages(
        deployed.sqs, url or deployed.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
    )
    return sqs_event(received, queue_name="storm.fifo")


def receive_next(deployed: Deployment, url: str | None = None, tries: int = 8) -> dict[str, Any]:
    for _ in range(tries):  # bounded: the message is hidden for the 1 s visibility timeout
        event = receive(deployed, url)
        if event["Records"]:
            return event
    return {"Records": []}


def notices(slack: FakeSlack) -> list[dict[str, Any]]:
    return [m for m in slack.messages if m["method"] == "chat.postEphemeral"]


def test_a_provider_storm_is_redriven_to_the_dead_letter_queue_after_three_receives(deployed):
    webhook(slash_command("ship it"))
    view = deployed.slack.calls_to("views.open")[-1].params["view"]
    answer = webhook(submission(view, view_id=f"V{uuid.uuid4().hex[:8].upper()}"))
    assert answer["statusCode"] == 200

    for receive_count in range(1, MAX_RECEIVES + 1):
        event = receive_next(deployed)
        [record] = event["Records"]
        assert record["attributes"]["ApproximateReceiveCount"] == str(receive_count)
        result = worker_handler.handler(event, None)
        # Reported failed, so SQS keeps it; only SQS decides when it is dead.
        assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
        assert len(notices(deployed.slack)) == (1 if receive_count == MAX_RECEIVES else 0)

    # SQS's redrive moves it on the next receive attempt; nothing reaches the worker.
    assert receive_next(deployed, tries=3)["Records"] == []
    [dead] = receive_next(deployed, deployed.dlq_url)["Records"]
    assert json.loads(dead["body"])["view_id"]
    assert len(notices(deployed.slack)) == 1
    assert not deployed.slack.uploads
    requests = len(deployed.openai.image_requests)
    assert MAX_RECEIVES <= requests <= 3 * MAX_RECEIVES  # retried, within each job's budget


@pytest.mark.parametrize("deployed", [[]], indirect=True, ids=["healthy-provider"])
def test_a_poison_record_beside_good_ones_fails_only_itself(deployed):
    for n in range(2):
        webhook(slash_command("ship it"))
        view = deployed.slack.calls_to("views.open")[-1].params["view"]
        webhook(submission(view, view_id=f"VGOOD{n}", user=f"U0USER{n}", style="text"))
    deployed.sqs.send_message(
        QueueUrl=deployed.queue_url,
        MessageBody='{"schema": 99, "correlation_id": "req_bad"}',
        MessageGroupId="T0ACME:U0POISON",
        MessageDeduplicationId="poison-1",
    )
    handled: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while len(handled) < 3 and time.monotonic() < deadline:
        event = receive(deployed)
        if event["Records"]:
            assert worker_handler.handler(event, None) == {"batchItemFailures": []}
            handled += event["Records"]
    assert len(handled) == 3
    assert len(deployed.slack.uploads) == 2
    [dead] = receive_next(deployed, deployed.dlq_url)["Records"]
    assert dead["messageAttributes"]["dead_letter_reason"]["stringValue"] == "poison"
