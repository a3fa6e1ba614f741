"""A deployed-looking stack on loopback: moto's server (SQS FIFO + DLQ, DynamoDB,
Secrets Manager) and a fake Slack, with the environment the CDK stack gives the
Lambda functions (only non-secret configuration; secrets come from the secret).

Used in-process (``aws_stack`` sets ``os.environ`` while it is open) and by the
cold-start children (``Stack.env`` is handed to the subprocess).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer
from tests.fakes.slack_api import FakeSlack
from tests.slack_payloads import SIGNING_SECRET

from emojiforge.queues.sqs import create_fifo_queues
from emojiforge.store.dynamodb_items import create_table

REGION = "us-east-1"
# Dummy credentials: nothing here may ever reach a real AWS account.
_CREDENTIALS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
_CLEARED = ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "OPENAI_API_KEY", "GEMINI_API_KEY")


@dataclass
class Stack:
    endpoint: str
    sqs: Any
    queue_url: str
    dlq_url: str
    slack: FakeSlack
    env: dict[str, str]

    def client(self, service: str) -> Any:
        return boto3.client(  # type: ignore[call-overload]
            service, endpoint_url=self.endpoint, region_name=REGION, **_CREDENTIALS
        )

    def depth(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(value) for value in attributes.values())

    def take_jobs(self) -> list[str]:
        """Receive and delete what is visible on the queue (a worker keeping up)."""
        bodies: list[str] = []
        for _ in range(10):  # bounded
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=300
            ).get("Messages", [])
            if not received:
                return bodies
            for m in received:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"])
                bodies.append(m["Body"])
        return bodies

    def clear_table(self) -> None:
        """Empty the job table. moto copies every table on each transaction (to
        roll back), so its latency grows with the table; DynamoDB's does not.
        Emptying it between timed requests keeps moto's figure flat."""
        dynamodb = self.client("dynamodb")
        table = self.env["EMOJIFORGE_TABLE"]
        for page in dynamodb.get_paginator("scan").paginate(
            TableName=table, ProjectionExpression="pk, sk"
        ):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=table, Key=item)

    def child_env(self) -> dict[str, str]:
        """The environment of a subprocess playing a fresh Lambda container."""
        base = {k: v for k, v in os.environ.items() if k not in _CLEARED}
        return {**base, **self.env}


@contextmanager
def aws_stack() -> Iterator[Stack]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        with FakeSlack(existing_emoji={"partyparrot"}) as slack:
            stack = _deploy(f"http://{host}:{port}", slack)
            saved = {key: os.environ.get(key) for key in [*stack.env, *_CLEARED]}
            for key in _CLEARED:
                os.environ.pop(key, None)
            os.environ.update(stack.env)
            try:
                yield stack
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
    finally:
        server.stop()


def _deploy(endpoint: str, slack: FakeSlack) -> Stack:
    stack = Stack(endpoint, None, "", "", slack, {})
    suffix = uuid.uuid4().hex[:8]
    stack.sqs = stack.client("sqs")
    stack.queue_url, stack.dlq_url = create_fifo_queues(stack.sqs, f"bench-{suffix}")
    table = f"bench-{suffix}"
    create_table(stack.client("dynamodb"), table)
    secret = stack.client("secretsmanager").create_secret(
        Name=f"bench-{suffix}",
        SecretString=json.dumps(
            {"slack_signing_secret": SIGNING_SECRET, "slack_bot_token": slack.token}
        ),
    )
    stack.env = {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": REGION,
        "EMOJIFORGE_AWS_ENDPOINT_URL": endpoint,
        "EMOJIFORGE_QUEUE_URL": stack.queue_url,
        "EMOJIFORGE_DLQ_URL": stack.dlq_url,
        "EMOJIFORGE_TABLE": table,
        "EMOJIFORGE_SECRET_ARN": secret["ARN"],
        "SLACK_API_URL": slack.base_url,
        "EMOJIFORGE_WORKSPACE_URL": "https://acme.slack.com",
        "EMOJIFORGE_LOG_LEVEL": "WARNING",  # the bench's output is the table
    }
    return stack


def sqs_event(stack: Stack, count: int) -> list[dict[str, Any]]:
    """Take ``count`` jobs off the queue shaped as Lambda's SQS event source hands
    them over (one record per event: the worker's batch size is 1). They are
    deleted here, as the event source deletes a record the handler finished."""
    events: list[dict[str, Any]] = []
    for _ in range(count * 3):  # bounded: moto may answer an empty receive
        if len(events) == count:
            break
        for m in stack.sqs.receive_message(
            QueueUrl=stack.queue_url,
            MaxNumberOfMessages=1,
            VisibilityTimeout=300,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", []):
            stack.sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=m["ReceiptHandle"])
            events.append({"Records": [_record(m)]})
    return events


def _record(m: dict[str, Any]) -> dict[str, Any]:
    return {
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


def http_api_event(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """An API Gateway HTTP API event (payload 2.0), body base64-encoded as API Gateway does."""
    return {
        "version": "2.0",
        "routeKey": "POST /slack/events",
        "rawPath": "/slack/events",
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": "/slack/events"}},
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }
