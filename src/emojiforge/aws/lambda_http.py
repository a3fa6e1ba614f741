"""Lambda HTTP events ↔ the webhook's HttpRequest/HttpResponse (pure translation).

Handles API Gateway HTTP API / Function URL events (payload 2.0) and REST API
events (1.0), base64-encoded or not; a missing ``isBase64Encoded`` means plain.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import urlencode

from emojiforge.webhook import HttpRequest, HttpResponse


def to_http_request(event: dict[str, Any]) -> HttpRequest:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            body = b""  # fails the signature check: a 401, never a crash
    else:
        body = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    headers = {str(k): str(v) for k, v in (event.get("headers") or {}).items()}
    if "rawQueryString" in event:  # payload 2.0
        query = str(event.get("rawQueryString") or "")
    else:
        query = urlencode(event.get("queryStringParameters") or {})
    return HttpRequest(body=body, headers=headers, query=query)


def http_method(event: dict[str, Any]) -> str:
    context = event.get("requestContext") or {}
    method = (context.get("http") or {}).get("method") or event.get("httpMethod") or ""
    return str(method).upper()


def to_lambda_response(response: HttpResponse) -> dict[str, Any]:
    body = response.body
    if isinstance(body, bytes):
        return {
            "statusCode": response.status,
            "headers": dict(response.headers),
            "body": base64.b64encode(body).decode("ascii"),
            "isBase64Encoded": True,
        }
    return {
        "statusCode": response.status,
        "headers": dict(response.headers),
        "body": body,
        "isBase64Encoded": False,
    }
