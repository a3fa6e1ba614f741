"""moto's server, one per test session, reached over real HTTP on loopback.

Clients get explicit dummy credentials and region, so no test depends on (or
can touch) the developer's AWS configuration.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import boto3
import pytest
from moto.server import ThreadedMotoServer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient

REGION = "us-east-1"


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
    return boto3.client(
        "dynamodb",
        endpoint_url=aws_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def s3(aws_endpoint: str) -> S3Client:
    return boto3.client(
        "s3",
        endpoint_url=aws_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def secretsmanager(aws_endpoint: str) -> SecretsManagerClient:
    return boto3.client(
        "secretsmanager",
        endpoint_url=aws_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
