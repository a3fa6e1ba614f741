"""Context values are parsed once, from cdk.json numbers or ``-c`` strings alike."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from infra.config import ContextError, StackConfig
from infra.functions import job_budget_s


def config_from(**context: object) -> StackConfig:
    return StackConfig.from_context(cdk.App(context=context).node)


def test_defaults_match_adr_002() -> None:
    config = config_from()
    assert config == StackConfig(
        worker_timeout_s=30,
        worker_max_concurrency=5,
        log_retention_days=30,
        alarm_email="",
        webhook_code_path="build/lambda-webhook",
        worker_code_path="build/lambda-worker",
    )
    assert config.queue_visibility_timeout_s == 180


def test_command_line_strings_and_json_numbers_mean_the_same() -> None:
    assert config_from(workerTimeoutSeconds="60") == config_from(workerTimeoutSeconds=60)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("workerTimeoutSeconds", "0"),
        ("workerTimeoutSeconds", "901"),
        ("workerTimeoutSeconds", "thirty"),
        ("workerMaxConcurrency", "1"),
        ("logRetentionDays", "31"),
        ("alarmEmail", "ops"),
        ("webhookCodePath", ""),
        ("workerCodePath", ""),
    ],
)
def test_unusable_context_value_names_its_key(key: str, value: str) -> None:
    with pytest.raises(ContextError) as raised:
        config_from(**{key: value})
    assert raised.value.key == key


@pytest.mark.parametrize("timeout_s", [1, 10, 30, 60, 900])
def test_job_budget_leaves_the_worker_time_to_report_failure(timeout_s: int) -> None:
    budget = job_budget_s(timeout_s)
    assert 0 < budget < timeout_s
