"""moto's server, one per test session, reached over real HTTP on loopback.

Clients get explicit dummy credentials and region, so no test depends on (or
can touch) the developer's AWS configuration.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, cast

import pytest
from moto.server import ThreadedMotoServer

from tests.aws.deployment import aws_client

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sqs import SQSClient


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[str]:
    # Port 0: the OS picks a free port, so parallel runs never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def unique_name(prefix: str) -> str:
    """A fresh resource name: the server lives for the session, tests must not share state."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def dynamodb(aws_endpoint: str) -> DynamoDBClient:
    return cast("DynamoDBClient", aws_client("dynamodb", aws_endpoint))


@pytest.fixture(scope="session")
def s3(aws_endpoint: str) -> S3Client:
    return cast("S3Client", aws_client("s3", aws_endpoint))


@pytest.fixture(scope="session")
def secretsmanager(aws_endpoint: str) -> SecretsManagerClient:
    return cast("SecretsManagerClient", aws_client("secretsmanager", aws_endpoint))


@pytest.fixture(scope="session")
def sqs(aws_endpoint: str) -> SQSClient:
    return cast("SQSClient", aws_client("sqs", aws_endpoint))
