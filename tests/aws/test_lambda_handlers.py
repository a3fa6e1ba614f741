"""The two Lambda handlers against moto's server (SQS, DynamoDB, Secrets Manager)
and a fake Slack: the same webhook and worker as the local server."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from emojiforge.aws import webhook_handler, worker_handler
from tests.aws import lambda_events
from tests.aws.conftest import unique_name
from tests.aws.deployment import Deployed, deploy, lambda_environment, receive_messages
from tests.aws.lambda_events import http_api_event, rest_event
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import USER, signed, slash_command, submission


@pytest.fixture
def deployed(aws_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    with FakeSlack(existing_emoji={"partyparrot"}) as slack:
        env = deploy(aws_endpoint, unique_name("emojiforge"), slack=slack, max_receives=3)
        with lambda_environment(monkeypatch, env):
            yield Deployed.of(aws_endpoint, env, slack)


def call_webhook(event: dict[str, Any]) -> dict[str, Any]:
    return webhook_handler.handler(event, None)


def sqs_event(deployed: Deployed) -> dict[str, Any]:
    """Receive what is on the queue and shape it the way Lambda's event source does."""
    received = receive_messages(
        deployed.sqs, deployed.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=30
    )
    return lambda_events.sqs_event(received)


def submit_via_lambda(deployed: Deployed) -> None:
    request = signed(slash_command("ship it"))
    assert call_webhook(http_api_event(request.body, dict(request.headers)))["statusCode"] == 200
    view = deployed.slack.calls_to("views.open")[-1].params["view"]
    sub = signed(submission(view, style="text", view_id=f"V{uuid.uuid4().hex[:8].upper()}"))
    response = call_webhook(rest_event(sub.body, dict(sub.headers)))
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["response_action"] == "update"


def depth(deployed: Deployed, url: str) -> int:
    attributes = deployed.sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def test_webhook_enqueues_on_sqs_with_a_per_user_group_and_correlation_id(deployed):
    submit_via_lambda(deployed)
    event = sqs_event(deployed)
    [record] = event["Records"]
    assert record["attributes"]["MessageGroupId"].endswith(USER)
    job = json.loads(record["body"])
    assert record["messageAttributes"]["correlation_id"]["stringValue"] == job["correlation_id"]


def test_webhook_refuses_a_bad_signature_and_enqueues_nothing(deployed):
    request = signed(slash_command("x"), secret="wrong")
    assert call_webhook(http_api_event(request.body, dict(request.headers)))["statusCode"] == 401
    assert call_webhook({"requestContext": {"http": {"method": "POST"}}})["statusCode"] == 401
    assert depth(deployed, deployed.queue_url) == 0


def test_worker_delivers_the_job_and_reports_no_failures(deployed):
    submit_via_lambda(deployed)
    result = worker_handler.handler(sqs_event(deployed), None)
    assert result == {"batchItemFailures": []}
    assert len(deployed.slack.uploads) == 1
    assert deployed.slack.calls_to("files.completeUploadExternal")


def test_a_poison_record_goes_to_the_dead_letter_queue_at_once(deployed):
    deployed.sqs.send_message(
        QueueUrl=deployed.queue_url,
        MessageBody='{"schema": 99}',
        MessageGroupId="T1:U1",
        MessageDeduplicationId="poison-1",
    )
    result = worker_handler.handler(sqs_event(deployed), None)
    assert result == {"batchItemFailures": []}  # handled: not retried
    assert depth(deployed, deployed.dlq_url) == 1
    assert not deployed.slack.uploads


def test_a_retryable_failure_is_reported_as_a_batch_item_failure(deployed):
    submit_via_lambda(deployed)
    deployed.slack.fail_next("files.getUploadURLExternal", status=500, times=20)
    event = sqs_event(deployed)
    result = worker_handler.handler(event, None)
    assert result == {"batchItemFailures": [{"itemIdentifier": event["Records"][0]["messageId"]}]}
    assert not deployed.slack.uploads


def test_the_worker_emits_cloudwatch_emf_metrics(deployed, capsys):
    submit_via_lambda(deployed)
    capsys.readouterr()
    worker_handler.handler(sqs_event(deployed), None)
    blobs = []
    for line in capsys.readouterr().out.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            blobs.append(json.loads(line))
    names = {
        metric["Name"]
        for blob in blobs
        for directive in blob["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]
    }
    assert {"JobsDelivered", "EndToEndMs", "GenerationMs", "DeliveryMs"} <= names
    assert all(blob["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "EmojiForge" for blob in blobs)
