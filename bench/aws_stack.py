"""A deployed-looking stack on loopback: moto's server (SQS FIFO + DLQ, DynamoDB,
Secrets Manager) and a fake Slack, with the environment the CDK stack gives the
Lambda functions (only non-secret configuration; secrets come from the secret).

Used in-process (``aws_stack`` sets ``os.environ`` while it is open) and by the
cold-start children (``Stack.env`` is handed to the subprocess).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.server import ThreadedMotoServer
from tests.aws import lambda_events
from tests.aws.deployment import FROM_SECRET as _CLEARED
from tests.aws.deployment import aws_client, deploy, receive_messages
from tests.aws.lambda_events import http_api_event as http_api_event
from tests.fakes.slack_api import FakeSlack


@dataclass
class Stack:
    endpoint: str
    sqs: Any
    queue_url: str
    dlq_url: str
    slack: FakeSlack
    env: dict[str, str]

    def client(self, service: str) -> Any:
        return aws_client(service, self.endpoint)

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
    env = deploy(endpoint, f"bench-{uuid.uuid4().hex[:8]}", slack=slack)
    env["EMOJIFORGE_WORKSPACE_URL"] = "https://acme.slack.com"
    env["EMOJIFORGE_LOG_LEVEL"] = "WARNING"  # the bench's output is the table
    return Stack(
        endpoint,
        aws_client("sqs", endpoint),
        env["EMOJIFORGE_QUEUE_URL"],
        env["EMOJIFORGE_DLQ_URL"],
        slack,
        env,
    )


def sqs_event(stack: Stack, count: int) -> list[dict[str, Any]]:
    """Take ``count`` jobs off the queue shaped as Lambda's SQS event source hands
    them over (one record per event: the worker's batch size is 1). They are
    deleted here, as the event source deletes a record the handler finished."""
    events: list[dict[str, Any]] = []
    for _ in range(count * 3):  # bounded: moto may answer an empty receive
        if len(events) == count:
            break
        for m in receive_messages(
            stack.sqs, stack.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=300
        ):
            stack.sqs.delete_message(QueueUrl=stack.queue_url, ReceiptHandle=m["ReceiptHandle"])
            events.append(lambda_events.sqs_event([m]))
    return events
