"""End to end as deployed: Slack → Function URL → webhook Lambda → SQS FIFO → worker
Lambda → OpenAI → Slack, on moto's server (SQS, DynamoDB, S3, Secrets Manager), the
fake Slack and the fake OpenAI, all over real HTTP.

Lambda's own plumbing is played by the test: it builds the events as AWS documents
them (Function URL payload 2.0, SQS records) and, like the SQS event source, leaves
a failed record on the queue until its visibility timeout runs out.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from emojiforge.aws import webhook_handler, worker_handler
from tests.aws.conftest import unique_name
from tests.aws.deployment import Deployed, deploy, lambda_environment, receive_messages
from tests.aws.lambda_events import function_url_event, sqs_event
from tests.fakes.openai_api import SERVER_ERROR, FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import USER, signed, slash_command, submission

MAX_RECEIVES = 3
# Slack's custom emoji limits.
EMOJI_MAX_BYTES = 128 * 1024
EMOJI_SIZE = (128, 128)
# Budget for one failing job: below the retry policy's shortest pause (0.5 s), so each
# invocation makes one OpenAI call and reports the failure instead of sleeping.
FAST_FAILING_WORKER_TIMEOUT_S = "0.4"


@dataclass
class Deployment(Deployed):
    openai: FakeOpenAI


@pytest.fixture
def openai_script() -> list[Any]:
    """What the fake OpenAI answers, in order; empty means every call succeeds."""
    return []


@pytest.fixture
def deployment(
    aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, openai_script: list[Any]
) -> Iterator[Deployment]:
    with FakeSlack() as slack, FakeOpenAI(script=openai_script) as openai:
        # Every key lives in the secret, the OpenAI key too.
        env = deploy(
            aws_endpoint,
            unique_name("emojiforge-e2e"),
            slack=slack,
            openai=openai,
            bucket=True,
            max_receives=MAX_RECEIVES,
        )
        env["EMOJIFORGE_MAX_RECEIVES"] = str(MAX_RECEIVES)
        monkeypatch.delenv("EMOJIFORGE_PROVIDER", raising=False)
        with lambda_environment(monkeypatch, env):
            yield Deployment.of(aws_endpoint, env, slack, openai=openai)


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
    messages = receive_messages(
        deployment.sqs, deployment.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=180
    )
    # The queue's own name, so the records carry its real ARN.
    return sqs_event(messages, queue_name=deployment.queue_url.rsplit("/", 1)[-1])


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
