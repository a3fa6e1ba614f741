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

import boto3
import pytest

from emojiforge.aws import webhook_handler, worker_handler
from emojiforge.queues.sqs import create_fifo_queues
from emojiforge.store.dynamodb_items import create_table
from tests.aws.conftest import REGION, unique_name
from tests.fakes.openai_api import SERVER_ERROR, FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET, signed, slash_command, submission

MAX_RECEIVES = 3


@dataclass
class Deployed:
    sqs: Any
    queue_url: str
    dlq_url: str
    slack: FakeSlack
    openai: FakeOpenAI


@pytest.fixture
def deployed(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Deployed]:
    # The provider's script: a storm of server errors unless a test passes its own.
    script = getattr(request, "param", [SERVER_ERROR] * 50)

    def client(service: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=aws_endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    sqs = client("sqs")
    queue_url, dlq_url = create_fifo_queues(
        sqs, unique_name("storm"), max_receives=MAX_RECEIVES, visibility_timeout_s=1
    )
    table = unique_name("emojiforge")
    create_table(client("dynamodb"), table)
    with FakeSlack() as slack, FakeOpenAI(script=script) as openai:
        secret = client("secretsmanager").create_secret(
            Name=unique_name("emojiforge-app"),
            SecretString=json.dumps(
                {
                    "slack_signing_secret": SIGNING_SECRET,
                    "slack_bot_token": slack.token,
                    "openai_api_key": openai.api_key,
                }
            ),
        )
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
            "OPENAI_BASE_URL": openai.base_url,
            # A short job budget: the provider's retries stop early in each receive.
            "EMOJIFORGE_WORKER_TIMEOUT_S": "1",
        }.items():
            monkeypatch.setenv(key, value)
        for key in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY"):
            monkeypatch.delenv(key, raising=False)
        webhook_handler.reset()
        worker_handler.reset()
        yield Deployed(sqs, queue_url, dlq_url, slack, openai)
        webhook_handler.reset()
        worker_handler.reset()


def webhook(body: bytes) -> dict[str, Any]:
    request = signed(body)
    event = {
        "httpMethod": "POST",
        "path": "/slack/events",
        "headers": dict(request.headers),
        "requestContext": {"httpMethod": "POST"},
        "body": request.body.decode(),
    }
    return webhook_handler.handler(event, None)


def receive(deployed: Deployed, url: str | None = None) -> dict[str, Any]:
    """One long poll, shaped the way Lambda's event source hands records over."""
    received = deployed.sqs.receive_message(
        QueueUrl=url or deployed.queue_url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=1,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    return {
        "Records": [
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
                "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:storm.fifo",
                "awsRegion": REGION,
            }
            for m in received
        ]
    }


def receive_next(deployed: Deployed, url: str | None = None, tries: int = 8) -> dict[str, Any]:
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
