"""Lambda events as AWS documents them, built by the tests that play Lambda's own
plumbing: the SQS event source's records and API Gateway / Function URL requests.

Pure functions: they shape what they are given and call nothing.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
SLACK_PATH = "/slack/events"
_FUNCTION_URL_ID = "abcdefghijklmnopqrstuvwxyz012345"
_SLACKBOT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def sqs_record(message: Mapping[str, Any], queue_name: str = "jobs.fifo") -> dict[str, Any]:
    """One received SQS message (``receive_message`` with all attributes) as a record
    of Lambda's SQS event."""
    return {
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
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue_name}",
        "awsRegion": REGION,
    }


def sqs_event(
    messages: Iterable[Mapping[str, Any]], queue_name: str = "jobs.fifo"
) -> dict[str, Any]:
    """Lambda's SQS event for received messages."""
    return {"Records": [sqs_record(message, queue_name) for message in messages]}


def _body(body: bytes, b64: bool) -> dict[str, Any]:
    return {
        "body": base64.b64encode(body).decode("ascii") if b64 else body.decode(),
        "isBase64Encoded": b64,
    }


def http_api_event(body: bytes, headers: Mapping[str, str], *, b64: bool = True) -> dict[str, Any]:
    """An API Gateway HTTP API event (payload 2.0) for ``POST /slack/events``."""
    return {
        "version": "2.0",
        "routeKey": f"POST {SLACK_PATH}",
        "rawPath": SLACK_PATH,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {"http": {"method": "POST", "path": SLACK_PATH}},
        **_body(body, b64),
    }


def function_url_event(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """A Lambda Function URL request (payload 2.0), with the fields a Function URL
    adds: its own host, the ``$default`` route, the full request context."""
    host = f"{_FUNCTION_URL_ID}.lambda-url.{REGION}.on.aws"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": SLACK_PATH,
        "rawQueryString": "",
        "headers": {
            **{name.lower(): value for name, value in headers.items()},
            "host": host,
            "user-agent": _SLACKBOT,
            "x-forwarded-proto": "https",
        },
        "requestContext": {
            "accountId": "anonymous",
            "apiId": _FUNCTION_URL_ID,
            "domainName": host,
            "domainPrefix": _FUNCTION_URL_ID,
            "http": {
                "method": "POST",
                "path": SLACK_PATH,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.10",
                "userAgent": _SLACKBOT,
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "04/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1796378400000,
        },
        **_body(body, b64=True),
    }


def rest_event(body: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
    """An API Gateway REST event (payload 1.0) without ``isBase64Encoded``."""
    return {
        "httpMethod": "POST",
        "path": SLACK_PATH,
        "headers": dict(headers),
        "requestContext": {"httpMethod": "POST"},
        "body": body.decode(),
    }
