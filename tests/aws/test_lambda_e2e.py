"""End to end as deployed: Slack → Function URL → webhook Lambda → SQS FIFO → worker
Lambda → OpenAI → Slack, on moto's server (SQS, DynamoDB, S3, Secrets Manager), the
fake Slack and the fake OpenAI, all over real HTTP.

Lambda's own plumbing is played by the test: it builds the events as AWS documents
them (Function URL payload 2.0, SQS records) and, like the SQS event source, leaves
a failed record on the queue until its visibility timeout runs out.
"""

from __future__ import annotations

import base64
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from PIL import Image

from emojiforge.aws import webhook_handler, worker_handler
from emojiforge.queues.sqs import create_fifo_queues
from emojiforge.store.dynamodb_items import create_table
from tests.aws.conftest import REGION, unique_name
from tests.fakes.openai_api import SERVER_ERROR, FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET, USER, signed, slash_command, submission

MAX_RECEIVES = 3
# Slack's custom emoji limits.
EMOJI_MAX_BYTES = 128 * 1024
EMOJI_SIZE = (128, 128)
# Budget for one failing job: below the retry policy's shortest pause (0.5 s), so each
# invocation makes one OpenAI call and reports the failure instead of sleeping.
FAST_FAILING_WORKER_TIMEOUT_S = "0.4"


@dataclass
class Deployment:
    sqs: Any
    queue_url: str
    dlq_url: str
    queue_arn: str
    slack: FakeSlack
    openai: FakeOpenAI


def aws(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]  # one helper for several services
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def openai_script() -> list[Any]:
    """What the fake OpenAI answers, in order; empty means every call succeeds."""
    return []


@pytest.fixture
def deployment(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, openai_script: list[Any]
) -> Iterator[Deployment]:
    sqs = aws("sqs", aws_endpoint)
    queue_url, dlq_url = create_fifo_queues(sqs, unique_name("e2e-jobs"), max_receives=MAX_RECEIVES)
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    table = unique_name("emojiforge-e2e")
    create_table(aws("dynamodb", aws_endpoint), table)
    bucket = unique_name("emojiforge-e2e")
    aws("s3", aws_endpoint).create_bucket(Bucket=bucket)
    with FakeSlack() as slack, FakeOpenAI(script=openai_script) as openai:
        # Every key lives in the secret, the OpenAI key too; the environment gets
        # names and addresses only, as the CDK stack sets it.
        secret = aws("secretsmanager", aws_endpoint).create_secret(
            Name=unique_name("emojiforge-e2e"),
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
            "EMOJIFORGE_BUCKET": bucket,
            "EMOJIFORGE_SECRET_ARN": secret["ARN"],
            "EMOJIFORGE_MAX_RECEIVES": str(MAX_RECEIVES),
            "SLACK_API_URL": slack.base_url,
            "OPENAI_BASE_URL": openai.base_url,
        }.items():
            monkeypatch.setenv(key, value)
        for key in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.delenv("EMOJIFORGE_PROVIDER", raising=False)
        webhook_handler.reset()
        worker_handler.reset()
        yield Deployment(sqs, queue_url, dlq_url, queue_arn, slack, openai)
        webhook_handler.reset()
        worker_handler.reset()


def function_url_event(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """A Lambda Function URL request (payload format 2.0) as AWS documents it."""
    url_id = "abcdefghijklmnopqrstuvwxyz012345"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/slack/events",
        "rawQueryString": "",
        "headers": {
            **{name.lower(): value for name, value in headers.items()},
            "host": f"{url_id}.lambda-url.{REGION}.on.aws",
            "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": url_id,
            "domainName": f"{url_id}.lambda-url.{REGION}.on.aws",
            "domainPrefix": url_id,
            "http": {
                "method": "POST",
                "path": "/slack/events",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "04/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1796378400000,
        },
        "body": base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": True,
    }


def post_to_function_url(body: bytes) -> dict[str, Any]:
    request = signed(body)
    return webhook_handler.handler(function_url_event(request.body, dict(request.headers)), None)


def ask_for_emoji(deployment: Deployment, description: str, style: str) -> None:
    """/emoji, then submit the modal Slack opened, as a person would."""
    assert post_to_function_url(slash_command(description))["statusCode"] == 200
    view = deployment.slack.calls_to("views.open")[-1].params["view"]
    response = post_to_function_url(submission(view, style=style, view_id="V0E2E0001"))
    assert response["statusCode"] == 200


def receive_as_lambda(deployment: Deployment) -> dict[str, Any]:
    """One receive by the SQS event source, shaped as the event it gives the worker."""
    messages = deployment.sqs.receive_message(
        QueueUrl=deployment.queue_url,
        MaxNumberOfMessages=1,
        VisibilityTimeout=180,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
    ).get("Messages", [])
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message["Attributes"],
                "messageAttributes": {
                    name: {
                        "stringValue": value["StringValue"],
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": value["DataType"],
                    }
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": deployment.queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


def let_visibility_expire(deployment: Deployment, event: dict[str, Any]) -> None:
    """What time does in production: the failed record becomes visible again."""
    for record in event["Records"]:
        deployment.sqs.change_message_visibility(
            QueueUrl=deployment.queue_url,
            ReceiptHandle=record["receiptHandle"],
            VisibilityTimeout=0,
        )


def delete_as_lambda(deployment: Deployment, event: dict[str, Any], result: dict[str, Any]) -> None:
    """The event source deletes every record the worker did not report as failed."""
    failed = {item["itemIdentifier"] for item in result["batchItemFailures"]}
    for record in event["Records"]:
        if record["messageId"] not in failed:
            deployment.sqs.delete_message(
                QueueUrl=deployment.queue_url, ReceiptHandle=record["receiptHandle"]
            )


def depth(deployment: Deployment, url: str) -> int:
    attributes = deployment.sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def notices(slack: FakeSlack) -> list[Any]:
    """Messages that reached the user (in channel or by DM)."""
    return slack.calls_to("chat.postEphemeral") + slack.calls_to("chat.postMessage")


def test_a_signed_request_becomes_a_pixel_emoji_in_slack(deployment: Deployment) -> None:
    ask_for_emoji(deployment, "ship it", style="pixel")

    event = receive_as_lambda(deployment)
    [record] = event["Records"]
    job = json.loads(record["body"])
    assert job["user_id"] == USER
    assert job["emoji_spec"]["style"] == "pixel"
    assert record["attributes"]["MessageGroupId"].endswith(USER)

    result = worker_handler.handler(event, None)
    assert result == {"batchItemFailures": []}
    delete_as_lambda(deployment, event, result)

    [prompt] = deployment.openai.image_requests
    assert "pixel art" in prompt["prompt"]
    [emoji] = deployment.slack.uploads.values()
    assert len(emoji) < EMOJI_MAX_BYTES
    assert Image.open(io.BytesIO(emoji)).size == EMOJI_SIZE
    assert depth(deployment, deployment.queue_url) == 0
    assert depth(deployment, deployment.dlq_url) == 0


@pytest.mark.parametrize("openai_script", [[SERVER_ERROR] * 20])
def test_a_job_failing_every_try_lands_in_the_dead_letter_queue_and_the_user_is_told_once(
    deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EMOJIFORGE_WORKER_TIMEOUT_S", FAST_FAILING_WORKER_TIMEOUT_S)
    ask_for_emoji(deployment, "ship it", style="pixel")

    for attempt in range(1, MAX_RECEIVES + 1):
        event = receive_as_lambda(deployment)
        [record] = event["Records"]
        assert record["attributes"]["ApproximateReceiveCount"] == str(attempt)
        result = worker_handler.handler(event, None)
        assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
        delete_as_lambda(deployment, event, result)
        let_visibility_expire(deployment, event)

    # The next receive finds the receive count used up: SQS moves the job instead.
    assert receive_as_lambda(deployment) == {"Records": []}
    assert depth(deployment, deployment.queue_url) == 0
    assert depth(deployment, deployment.dlq_url) == 1
    assert len(deployment.openai.image_requests) == MAX_RECEIVES
    assert not deployment.slack.uploads
    [notice] = notices(deployment.slack)
    correlation_id = json.loads(record["body"])["correlation_id"]
    assert correlation_id in notice.params["text"]
