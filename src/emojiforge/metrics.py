"""Metrics: counts and durations the dashboard and the runbook rely on.

Names (namespace ``EmojiForge``): JobsQueued, JobsDelivered, JobsFailed
(dimension ``reason``), JobsRetried, QueueWaitMs, GenerationMs, DeliveryMs,
EndToEndMs, WebhookAckMs, EstimatedCostUsd. In Lambda they go out as
CloudWatch EMF (``aws.metrics``); the local server keeps them in memory and
shows them at ``/metrics``.
"""

from __future__ import annotations

import statistics
import threading
from collections import defaultdict
from typing import Any, Protocol


class Metrics(Protocol):
    def count(self, name: str, value: float = 1, *, reason: str | None = None) -> None: ...

    def duration_ms(self, name: str, value: float) -> None: ...

    def cost_usd(self, value: float) -> None: ...


class NoMetrics:
    def count(self, name: str, value: float = 1, *, reason: str | None = None) -> None:
        pass

    def duration_ms(self, name: str, value: float) -> None:
        pass

    def cost_usd(self, value: float) -> None:
        pass


class LocalMetrics:
    """Thread-safe in-memory metrics with a bounded sample of durations."""

    MAX_SAMPLES = 2000

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, float] = defaultdict(float)
        self._durations: dict[str, list[float]] = defaultdict(list)

    def count(self, name: str, value: float = 1, *, reason: str | None = None) -> None:
        with self._lock:
            self._counts[name] += value
            if reason:
                self._counts[f"{name}.{reason}"] += value

    def duration_ms(self, name: str, value: float) -> None:
        with self._lock:
            samples = self._durations[name]
            samples.append(value)
            if len(samples) > self.MAX_SAMPLES:
                del samples[: len(samples) - self.MAX_SAMPLES]

    def cost_usd(self, value: float) -> None:
        self.count("EstimatedCostUsd", value)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            durations = {
                name: {
                    "count": len(values),
                    "p50": round(statistics.median(values), 1),
                    "p99": round(_percentile(values, 0.99), 1),
                }
                for name, values in self._durations.items()
                if values
            }
            return {"counts": dict(self._counts), "durations_ms": durations}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, round(share * (len(ordered) - 1)))
    return ordered[index]
