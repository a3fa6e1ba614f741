"""Retrying a provider call within one job's time budget.

Providers are called with the SDK's own retries switched off, so that one
policy decides: a retryable ``ProviderError`` is tried again after an
exponential, jittered pause, unless the attempts are used up or the pause
would run past the job's budget. Then the last error is raised, still marked
retryable, and the queue redelivers the job later.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from emojiforge.errors import ProviderError
from emojiforge.images.provider_errors import provider_unavailable

_log = logging.getLogger(__name__)
T = TypeVar("T")

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 3
    backoff_s: float = 1.0  # first pause; each later pause doubles
    budget_s: float | None = None  # whole job, all attempts and pauses; None = no limit


class Deadline:
    """When a job's time is up, as seen by an injectable clock."""

    def __init__(self, budget_s: float | None, clock: Clock) -> None:
        self._clock = clock
        self._end = None if budget_s is None else clock() + budget_s

    def remaining(self) -> float | None:
        return None if self._end is None else max(0.0, self._end - self._clock())

    def allows(self, pause_s: float) -> bool:
        left = self.remaining()
        return left is None or pause_s < left

    def request_timeout(self, cap_s: float) -> float:
        """A request may take ``cap_s`` but never outlive the job."""
        left = self.remaining()
        if left is None:
            return cap_s
        if left <= 0:
            # Starting a (paid) request that cannot finish in time helps nobody.
            raise provider_unavailable()
        return min(cap_s, left)


def backoff_pause(attempt: int, backoff_s: float, unit_random: float) -> float:
    """Pause after failed ``attempt`` (1-based): "equal jitter", half fixed and
    half random, so many workers hit by the same outage do not retry in step."""
    ceiling = backoff_s * 2.0 ** (attempt - 1)
    return ceiling / 2 + ceiling / 2 * unit_random


def call_with_retries(
    call: Callable[[], T],
    policy: RetryPolicy,
    deadline: Deadline,
    *,
    sleep: Sleep,
    unit_random: Callable[[], float] = random.random,
) -> T:
    attempt = 1
    while True:
        try:
            return call()
        except ProviderError as error:
            if not error.retryable or attempt >= policy.max_attempts:
                raise
            pause = backoff_pause(attempt, policy.backoff_s, unit_random())
            if not deadline.allows(pause):
                raise
            _log.warning(
                "provider call failed (%s), retry %d in %.2fs", error.reason, attempt, pause
            )
            sleep(pause)
            attempt += 1
