"""Metrics as CloudWatch EMF through Powertools: one JSON log line per metric
set, which CloudWatch turns into metrics without any API call."""

from __future__ import annotations

from aws_lambda_powertools import Metrics as PowertoolsMetrics
from aws_lambda_powertools import single_metric
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = "EmojiForge"


class EmfMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self._metrics = PowertoolsMetrics(namespace=NAMESPACE, service=service)

    def count(self, name: str, value: float = 1, *, reason: str | None = None) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        if reason:
            # A separate metric set: a dimension applies to every metric in a set.
            with single_metric(
                name=name, unit=MetricUnit.Count, value=value, namespace=NAMESPACE
            ) as metric:
                metric.add_dimension(name="reason", value=reason)

    def duration_ms(self, name: str, value: float) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Milliseconds, value=value)

    def cost_usd(self, value: float) -> None:
        self._metrics.add_metric(name="EstimatedCostUsd", unit=MetricUnit.NoUnit, value=value)

    def flush(self) -> None:
        """Write what was gathered during this invocation (called by the handlers)."""
        if self._metrics.metric_set:  # nothing gathered (e.g. a 401): nothing to write
            self._metrics.flush_metrics(raise_on_empty_metrics=False)
