"""Deployment settings read from CDK context (cdk.json, overridden with ``-c key=value``).

Values given with ``-c`` arrive as strings while cdk.json gives numbers, so every
value is parsed here once, and a wrong value fails synth with the key's name
instead of failing later inside CloudFormation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_logs as logs
from constructs import Node

# Lambda's hard limit; a worker cannot run longer than this.
LAMBDA_MAX_TIMEOUT_S = 900
# CloudWatch Logs accepts only these retention periods (days).
_RETENTION_BY_DAYS = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}
# Lambda refuses an SQS event source maximum concurrency below 2.
MIN_EVENT_SOURCE_CONCURRENCY = 2


class ContextError(ValueError):
    """A CDK context value that cannot be used."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"context {key!r}: {problem}")
        self.key = key


@dataclass(frozen=True)
class StackConfig:
    worker_timeout_s: int = 30
    worker_max_concurrency: int = 5
    log_retention_days: int = 30
    alarm_email: str = ""
    webhook_code_path: str = "build/lambda-webhook"
    worker_code_path: str = "build/lambda-worker"

    @classmethod
    def from_context(cls, node: Node) -> StackConfig:
        defaults = cls()
        config = cls(
            worker_timeout_s=_int(node, "workerTimeoutSeconds", defaults.worker_timeout_s),
            worker_max_concurrency=_int(
                node, "workerMaxConcurrency", defaults.worker_max_concurrency
            ),
            log_retention_days=_int(node, "logRetentionDays", defaults.log_retention_days),
            alarm_email=_str(node, "alarmEmail", defaults.alarm_email),
            webhook_code_path=_str(node, "webhookCodePath", defaults.webhook_code_path),
            worker_code_path=_str(node, "workerCodePath", defaults.worker_code_path),
        )
        config.validate()
        return config

    def validate(self) -> None:
        if not 1 <= self.worker_timeout_s <= LAMBDA_MAX_TIMEOUT_S:
            raise ContextError(
                "workerTimeoutSeconds", f"must be between 1 and {LAMBDA_MAX_TIMEOUT_S}"
            )
        if self.worker_max_concurrency < MIN_EVENT_SOURCE_CONCURRENCY:
            raise ContextError(
                "workerMaxConcurrency", f"must be at least {MIN_EVENT_SOURCE_CONCURRENCY}"
            )
        if self.log_retention_days not in _RETENTION_BY_DAYS:
            allowed = ", ".join(str(days) for days in _RETENTION_BY_DAYS)
            raise ContextError("logRetentionDays", f"must be one of {allowed}")
        if self.alarm_email and "@" not in self.alarm_email:
            raise ContextError("alarmEmail", f"{self.alarm_email!r} is not an email address")
        if not self.webhook_code_path:
            raise ContextError("webhookCodePath", "must not be empty")
        if not self.worker_code_path:
            raise ContextError("workerCodePath", "must not be empty")

    @property
    def log_retention(self) -> logs.RetentionDays:
        return _RETENTION_BY_DAYS[self.log_retention_days]

    @property
    def queue_visibility_timeout_s(self) -> int:
        # AWS's advice for Lambda event sources: at least 6x the function timeout, so a
        # message is not handed to a second worker while the first one (with retries
        # of a throttled invocation) may still be working on it.
        return 6 * self.worker_timeout_s


def _raw(node: Node, key: str) -> Any:
    return node.try_get_context(key)


def _int(node: Node, key: str, default: int) -> int:
    raw = _raw(node, key)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ContextError(key, f"expected a whole number, got {raw!r}") from None


def _str(node: Node, key: str, default: str) -> str:
    raw = _raw(node, key)
    return default if raw is None else str(raw).strip()
