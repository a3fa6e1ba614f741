"""The retry policy on its own: a fake clock and sleep, no network."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from emojiforge.errors import ProviderError
from emojiforge.images.provider_errors import moderation_blocked, rate_limited
from emojiforge.images.retry import Deadline, RetryPolicy, backoff_pause, call_with_retries


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds


def failing(times: int, error: ProviderError) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def call() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "done"

    return calls, call


def test_pauses_double_and_stay_between_half_and_full_ceiling() -> None:
    assert [backoff_pause(n, 1.0, 0.0) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert [backoff_pause(n, 1.0, 1.0) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]


def test_retryable_errors_are_retried_with_backoff() -> None:
    time = FakeTime()
    calls, call = failing(2, rate_limited())

    result = call_with_retries(
        call,
        RetryPolicy(max_attempts=3, backoff_s=1.0),
        Deadline(None, time.clock),
        sleep=time.sleep,
        unit_random=lambda: 1.0,
    )

    assert result == "done"
    assert len(calls) == 3
    assert time.pauses == [1.0, 2.0]


def test_final_errors_are_raised_at_once() -> None:
    time = FakeTime()
    calls, call = failing(1, moderation_blocked())

    with pytest.raises(ProviderError):
        call_with_retries(
            call,
            RetryPolicy(max_attempts=5),
            Deadline(None, time.clock),
            sleep=time.sleep,
        )

    assert len(calls) == 1
    assert time.pauses == []


def test_a_pause_that_would_overrun_the_budget_is_not_taken() -> None:
    time = FakeTime()
    calls, call = failing(5, rate_limited())

    with pytest.raises(ProviderError) as caught:
        call_with_retries(
            call,
            RetryPolicy(max_attempts=5, backoff_s=1.0),
            Deadline(2.5, time.clock),
            sleep=time.sleep,
            unit_random=lambda: 1.0,
        )

    assert caught.value.retryable
    assert time.pauses == [1.0]  # the next pause (2 s) would end after the budget
    assert len(calls) == 2


def test_requests_never_outlive_the_job() -> None:
    time = FakeTime()
    deadline = Deadline(10.0, time.clock)

    assert deadline.request_timeout(60.0) == 10.0
    time.now = 9.0
    assert deadline.request_timeout(60.0) == 1.0
    time.now = 10.0
    with pytest.raises(ProviderError) as caught:
        deadline.request_timeout(60.0)
    assert caught.value.reason == "provider_unavailable"
    assert Deadline(None, time.clock).request_timeout(60.0) == 60.0
