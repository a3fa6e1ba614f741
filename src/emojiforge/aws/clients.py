"""boto3 clients made once per process and shared.

Creating a client costs tens of milliseconds (it loads the service model), which
a Lambda cold start pays on the webhook's 3-second budget; clients are
thread-safe, so one per service serves every thread and every invocation.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Literal, overload

import botocore.session
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient

    from emojiforge.settings import Settings

# Short timeouts: a stuck connection should fail fast and be retried, not eat
# the Lambda's whole budget. "standard" retries back off with jitter and also
# retry throttling, unlike the "legacy" default.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 10.0
# SQS long polling holds a receive open for up to 20 s: the read must outlast it.
READ_TIMEOUT_S_BY_SERVICE = {"sqs": 25.0}
MAX_ATTEMPTS = 3

_clients: dict[tuple[str, str], Any] = {}
# One botocore session for every client: a session caches the endpoint rules
# and the service list it loads from disk, so the second and third client of a
# cold start reuse them (~30 ms each). botocore rather than boto3: importing
# boto3 also imports s3transfer (~80 ms), and only plain clients are used here.
# Sessions are not thread-safe while they create clients, hence the lock.
_session: botocore.session.Session | None = None
_lock = threading.Lock()


@overload
def aws_client(service: Literal["dynamodb"], settings: Settings) -> DynamoDBClient: ...
@overload
def aws_client(service: Literal["s3"], settings: Settings) -> S3Client: ...
@overload
def aws_client(service: Literal["secretsmanager"], settings: Settings) -> SecretsManagerClient: ...
@overload
def aws_client(service: Literal["sqs"], settings: Settings) -> SQSClient: ...
def aws_client(service: str, settings: Settings) -> Any:
    """The process-wide client for ``service``; region and credentials come from
    the usual AWS environment (the Lambda runtime sets them)."""
    endpoint_url = settings.aws_endpoint_url
    key = (service, endpoint_url)
    global _session
    with _lock:
        client = _clients.get(key)
        if client is None:
            _session = _session or botocore.session.get_session()
            client = _session.create_client(
                service,  # type: ignore[call-overload]
                endpoint_url=endpoint_url or None,
                config=_config(service),
            )
            _clients[key] = client
        return client


def _config(service: str) -> Config:
    return Config(
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S_BY_SERVICE.get(service, READ_TIMEOUT_S),
        retries={"max_attempts": MAX_ATTEMPTS, "mode": "standard"},
        # Presigned URLs for Slack must use SigV4, the only scheme every region accepts.
        signature_version="s3v4" if service == "s3" else None,
    )
