"""Clients are made once per process and point where the settings say."""

from __future__ import annotations

from typing import Any

import pytest

from emojiforge.aws.clients import aws_client
from emojiforge.settings import Settings


@pytest.fixture(autouse=True)
def dummy_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # aws_client reads region and credentials the standard way, as in Lambda.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


def test_a_client_is_made_once_and_uses_the_endpoint(aws_endpoint: str) -> None:
    settings = Settings(aws_endpoint_url=aws_endpoint)

    client = aws_client("dynamodb", settings)

    assert aws_client("dynamodb", settings) is client
    assert client.meta.endpoint_url == aws_endpoint
    assert client.list_tables()["TableNames"] is not None


def test_clients_retry_in_standard_mode_with_timeouts(aws_endpoint: str) -> None:
    # botocore's stubs do not declare Config's options as attributes.
    config: Any = aws_client("sqs", Settings(aws_endpoint_url=aws_endpoint)).meta.config

    assert config.retries is not None
    assert config.retries["mode"] == "standard"
    assert config.read_timeout > 20  # longer than an SQS long poll
    assert config.connect_timeout <= 5
