"""Provider 429/5xx storms and timeouts: retried within the job's budget, then
back on the queue, then the dead-letter queue after three receives; the person
is told once, at the end. Also a job whose processing always crashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emojiforge.images.model import ImageProvider
from emojiforge.images.openai_provider import OpenAIProvider
from emojiforge.store.base import JobRecord
from tests.fakes.ai_http import Reply, b64
from tests.fakes.openai_api import RATE_LIMITED, SERVER_ERROR, FakeOpenAI, slow
from tests.fakes.slack_api import FakeSlack
from tests.reliability.conftest import MAX_RECEIVES, Pipeline, build_pipeline, make_job
from tests.security.test_hostile_images import png_header_only

ATTEMPTS = 3  # per receive, inside one job's budget


@pytest.fixture
def storm() -> Iterator[FakeOpenAI]:
    # Every request fails: rate limited, a server error, then one that never
    # answers within the request timeout, over and over.
    with FakeOpenAI(script=[RATE_LIMITED, SERVER_ERROR, slow(1.5)] * 10) as fake:
        yield fake


def record_of(pipeline: Pipeline, job_id: str) -> JobRecord:
    record = pipeline.store.get(job_id)
    assert record is not None
    return record


def openai_pipeline(tmp_path: Path, slack: FakeSlack, fake: FakeOpenAI) -> Pipeline:
    def provider_for(_: str | None) -> ImageProvider:
        return OpenAIProvider(
            fake.api_key,
            model="gpt-image-1.5",
            quality="low",
            timeout_s=0.3,
            base_url=fake.base_url,
            max_attempts=ATTEMPTS,
            backoff_s=0.01,
            budget_s=20,
        )

    return build_pipeline(tmp_path, slack, provider_for)


def test_a_provider_storm_is_retried_then_dead_lettered_after_three_receives(
    tmp_path, fake_slack, storm
):
    pipeline = openai_pipeline(tmp_path, fake_slack, storm)
    job = make_job()
    pipeline.intake.submit(job)

    for receive in range(1, MAX_RECEIVES + 1):
        assert pipeline.runner.drain() == 1
        assert len(storm.image_requests) == ATTEMPTS * receive  # retried, within budget
        told = pipeline.notices()
        assert len(told) == (1 if receive == MAX_RECEIVES else 0)  # only at the very end
        pipeline.after_visibility_timeout()

    assert pipeline.runner.drain() == 0  # a fourth receive moves it instead
    assert pipeline.dead_letter.approximate_depth() == (1, 0)
    assert pipeline.queue.approximate_depth() == (0, 0)
    [dead] = pipeline.dead_letter.peek()
    assert dead.attributes["job_id"] == job.job_id
    record = record_of(pipeline, job.job_id)
    assert record.status == "failed"
    [notice] = pipeline.notices()
    assert job.correlation_id in notice["text"]
    assert not fake_slack.uploads
    assert len(storm.image_requests) == ATTEMPTS * MAX_RECEIVES


def test_a_storm_that_ends_mid_way_delivers_once_without_telling_of_failure(tmp_path, fake_slack):
    with FakeOpenAI(script=[RATE_LIMITED, SERVER_ERROR, RATE_LIMITED, SERVER_ERROR]) as fake:
        pipeline = openai_pipeline(tmp_path, fake_slack, fake)
        job = make_job()
        pipeline.intake.submit(job)
        pipeline.runner.drain()  # three failures: back to the queue
        pipeline.after_visibility_timeout()
        pipeline.runner.drain()  # one more failure, then an image
        assert record_of(pipeline, job.job_id).status == "delivered"
        assert len(fake.image_requests) == 5
    assert len(pipeline.results()) == 1
    assert not pipeline.notices()
    assert len(fake_slack.uploads) == 1


class Exploding:
    name = "exploding"

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, spec: object) -> list[object]:
        self.calls += 1
        raise RuntimeError("a bug in a provider")


def test_a_job_that_always_crashes_is_not_a_crash_loop(tmp_path, fake_slack):
    exploding = Exploding()
    pipeline = build_pipeline(tmp_path, fake_slack, lambda _: exploding)  # type: ignore[arg-type,return-value]
    job = make_job()
    pipeline.intake.submit(job)
    for _ in range(MAX_RECEIVES + 2):
        pipeline.runner.drain()
        pipeline.after_visibility_timeout()
    assert exploding.calls == MAX_RECEIVES
    assert pipeline.dead_letter.approximate_depth() == (1, 0)
    assert len(pipeline.notices()) == 1
    assert record_of(pipeline, job.job_id).reason == "unexpected"


def test_a_bomb_from_the_provider_fails_the_job_once_without_retrying(tmp_path, fake_slack):
    bomb = Reply(200, {"created": 0, "data": [{"b64_json": b64(png_header_only(60_000, 60_000))}]})
    with FakeOpenAI(script=[bomb]) as fake:
        pipeline = openai_pipeline(tmp_path, fake_slack, fake)
        job = make_job()
        pipeline.intake.submit(job)
        pipeline.runner.drain()
        pipeline.after_visibility_timeout()
        assert pipeline.runner.drain() == 0  # done with: not retried
        assert len(fake.image_requests) == 1
    record = record_of(pipeline, job.job_id)
    assert (record.status, record.reason) == ("failed", "bad_input")
    [notice] = pipeline.notices()
    assert "too large" in notice["text"]
    assert not fake_slack.uploads
    assert pipeline.dead_letter.approximate_depth() == (0, 0)
