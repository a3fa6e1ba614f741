"""The two Lambda handlers against moto's server (SQS, DynamoDB, Secrets Manager)
and a fake Slack: the same webhook and worker as the local server."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from emojiforge.aws import webhook_handler, worker_handler
from emojiforge.queues.sqs import create_fifo_queues
from emojiforge.store.dynamodb_items import create_table
from tests.aws.conftest import REGION, unique_name
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET, USER, signed, slash_command, submission


@dataclass
class Deployed:
    sqs: Any
    queue_url: str
    dlq_url: str
    table: str
    slack: FakeSlack


@pytest.fixture
def deployed(aws_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    def client(service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            service,
            endpoint_url=aws_endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    sqs = client("sqs")
    queue_url, dlq_url = create_fifo_queues(sqs, unique_name("jobs"), max_receives=3)
    table = unique_name("emojiforge")
    create_table(client("dynamodb"), table)
    with FakeSlack(existing_emoji={"partyparrot"}) as slack:
        secret = client("secretsmanager").create_secret(
            Name=unique_name("emojiforge-app"),
            SecretString=json.dumps(
                {"slack_signing_secret": SIGNING_SECRET, "slack_bot_token": slack.token}
            ),
        )
        # Only non-secret configuration in the environment, as in the CDK stack.
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "EMOJIFORGE_AWS_ENDPOINT_URL": aws_endpoint,
            "EMOJIFORGE_QUEUE_URL": queue_url,
            "EMOJIFORGE_DLQ_URL": dlq_url,
            "EMOJIFORGE_TABLE": table,
            "EMOJIFORGE_SECRET_ARN": secret["ARN"],
            "SLACK_API_URL": slack.base_url,
        }.items():
            monkeypatch.setenv(key, value)
        for key in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY"):
            monkeypatch.delenv(key, raising=False)
        webhook_handler.reset()
        worker_handler.reset()
        yield Deployed(sqs, queue_url, dlq_url, table, slack)
        webhook_handler.reset()
        worker_handler.reset()


def http_api_event(body: bytes, headers: dict[str, str], *, b64: bool = True) -> dict[str, Any]:
    """An API Gateway HTTP API / Function URL event (payload 2.0)."""
    return {
        "version": "2.0",
        "routeKey": "POST /slack/events",
        "rawPath": "/slack/events",
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": "/slack/events"}},
        "body": base64.b64encode(body).decode() if b64 else body.decode(),
        "isBase64Encoded": b64,
    }


def rest_event(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """An API Gateway REST event (payload 1.0) without ``isBase64Encoded``."""
    return {
        "httpMethod": "POST",
        "path": "/slack/events",
        "headers": headers,
        "requestContext": {"httpMethod": "POST"},
        "body": body.decode(),
    }


def call_webhook(event: dict[str, Any]) -> dict[str, Any]:
    return webhook_handler.handler(event, None)


def sqs_event(deployed: Deployed) -> dict[str, Any]:
    """Receive what is on the queue and shape it the way Lambda's event source does."""
    received = deployed.sqs.receive_message(
        QueueUrl=deployed.queue_url,
        MaxNumberOfMessages=1,
        VisibilityTimeout=30,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m["Attributes"],
            "messageAttributes": {
                k: {"stringValue": v["StringValue"], "dataType": "String"}
                for k, v in m.get("MessageAttributes", {}).items()
            },
            "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:jobs.fifo",
            "awsRegion": REGION,
        }
        for m in received
    ]
    return {"Records": records}


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
