"""EmojiForge "deployed" on moto's server: the FIFO queues, the table, the secret
(and a bucket when asked), with the environment the CDK stack gives the Lambda
functions: names and addresses only, every key comes from the secret.

``deploy`` creates and returns that environment; setting it is the caller's
(``lambda_environment`` does it through ``monkeypatch`` with fresh handlers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import boto3

from emojiforge.aws import webhook_handler, worker_handler
from emojiforge.queues.sqs import create_fifo_queues
from emojiforge.store.dynamodb_items import create_table
from tests.aws.lambda_events import REGION
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET

if TYPE_CHECKING:
    import pytest

# Dummy credentials: nothing here may ever reach a real AWS account.
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# Keys the functions must read from the secret, never from the environment.
FROM_SECRET = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY", "GEMINI_API_KEY")


@dataclass
class Deployed:
    """What a test drives a deployment with: the queues and the fake Slack."""

    sqs: Any
    queue_url: str
    dlq_url: str
    slack: FakeSlack

    @classmethod
    def of(cls, endpoint: str, env: dict[str, str], slack: FakeSlack, **more: Any) -> Self:
        """The deployment ``deploy`` described in ``env``; ``more``: a subclass's fields."""
        sqs = aws_client("sqs", endpoint)
        return cls(sqs, env["EMOJIFORGE_QUEUE_URL"], env["EMOJIFORGE_DLQ_URL"], slack, **more)


def aws_client(service: str, endpoint: str) -> Any:
    """A boto3 client for moto's server at ``endpoint``."""
    return boto3.client(  # type: ignore[call-overload]  # one helper for several services
        service, endpoint_url=endpoint, region_name=REGION, **CREDENTIALS
    )


def deploy(
    endpoint: str,
    name: str,
    *,
    slack: FakeSlack,
    openai: FakeOpenAI | None = None,
    bucket: bool = False,
    max_receives: int = 3,
    visibility_timeout_s: int = 180,
) -> dict[str, str]:
    """Create the resources, all called ``name``, and return the functions' environment."""
    queue_url, dlq_url = create_fifo_queues(
        aws_client("sqs", endpoint),
        name,
        max_receives=max_receives,
        visibility_timeout_s=visibility_timeout_s,
    )
    create_table(aws_client("dynamodb", endpoint), name)
    secret = {"slack_signing_secret": SIGNING_SECRET, "slack_bot_token": slack.token}
    env = {
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": REGION,
        "EMOJIFORGE_AWS_ENDPOINT_URL": endpoint,
        "EMOJIFORGE_QUEUE_URL": queue_url,
        "EMOJIFORGE_DLQ_URL": dlq_url,
        "EMOJIFORGE_TABLE": name,
        "SLACK_API_URL": slack.base_url,
    }
    if openai is not None:
        secret["openai_api_key"] = openai.api_key
        env["OPENAI_BASE_URL"] = openai.base_url
    if bucket:
        aws_client("s3", endpoint).create_bucket(Bucket=name)
        env["EMOJIFORGE_BUCKET"] = name
    env["EMOJIFORGE_SECRET_ARN"] = aws_client("secretsmanager", endpoint).create_secret(
        Name=name, SecretString=json.dumps(secret)
    )["ARN"]
    return env


def receive_messages(sqs: Any, queue_url: str, **options: Any) -> list[dict[str, Any]]:
    """One receive as Lambda's SQS event source makes it: every system and message
    attribute, so the messages can become records (``lambda_events.sqs_event``)."""
    messages: list[dict[str, Any]] = sqs.receive_message(
        QueueUrl=queue_url,
        MessageSystemAttributeNames=["All"],
        MessageAttributeNames=["All"],
        **options,
    ).get("Messages", [])
    return messages


@contextmanager
def lambda_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> Iterator[None]:
    """``env`` as the functions' environment, keys only in the secret, with handlers
    that build afresh from it (and again afterwards)."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in FROM_SECRET:
        monkeypatch.delenv(key, raising=False)
    webhook_handler.reset()
    worker_handler.reset()
    try:
        yield
    finally:
        webhook_handler.reset()
        worker_handler.reset()
