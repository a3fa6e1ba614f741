"""OpenAIProvider against a fake OpenAI API over real HTTP, through the official SDK."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator

import pytest
from PIL import Image

from emojiforge.errors import ProviderError
from emojiforge.images.openai_provider import OpenAIProvider
from emojiforge.jobs import EmojiSpec
from tests.fakes.openai_api import (
    INSUFFICIENT_QUOTA,
    MODERATION_BLOCKED,
    RATE_LIMITED,
    SERVER_ERROR,
    UNAUTHORIZED,
    FakeOpenAI,
    Step,
    slow,
)

_model_names = itertools.count()


def fresh_model() -> str:
    # The transparency memory is process-wide, per model: a name per test keeps
    # tests independent of each other's history.
    return f"gpt-image-test-{next(_model_names)}"


def provider_for(fake: FakeOpenAI, **overrides: object) -> OpenAIProvider:
    options: dict[str, object] = {
        "model": fresh_model(),
        "quality": "low",
        "timeout_s": 5.0,
        "base_url": fake.base_url,
        "max_attempts": 3,
        "backoff_s": 0.001,
    }
    options.update(overrides)
    return OpenAIProvider(fake.api_key, **options)  # type: ignore[arg-type]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def scripted(*steps: Step, **kwargs: object) -> FakeOpenAI:
    return FakeOpenAI(script=steps, **kwargs)  # type: ignore[arg-type]


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_returns_one_decodable_png_per_option(fake: FakeOpenAI) -> None:
    artworks = provider_for(fake).generate(EmojiSpec("happy dance", options=3))

    assert len(artworks) == 3
    assert all(image_size(artwork.data) == (64, 64) for artwork in artworks)
    assert not any(artwork.plain_background for artwork in artworks)
    [request] = fake.image_requests
    assert request["n"] == 3
    assert request["background"] == "transparent"
    assert request["output_format"] == "png"
    assert request["size"] == "1024x1024"
    assert request["quality"] == "low"
    assert '"happy dance"' in request["prompt"]


def test_model_refusing_transparency_gets_a_plain_background_and_is_remembered() -> None:
    model = fresh_model()
    with FakeOpenAI(opaque_only_models={model}) as fake:
        provider = provider_for(fake, model=model)

        first = provider.generate(EmojiSpec("ship it", options=2))
        second = provider_for(fake, model=model).generate(EmojiSpec("lgtm"))

    assert len(first) == 2
    assert all(artwork.plain_background for artwork in first + second)
    backgrounds = [request["background"] for request in fake.image_requests]
    assert backgrounds == ["transparent", "opaque", "opaque"]
    assert "white background" in fake.image_requests[1]["prompt"]


def test_safety_refusal_is_final_and_told_in_plain_words() -> None:
    with scripted(MODERATION_BLOCKED) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake).generate(EmojiSpec("something edgy"))

    assert caught.value.reason == "moderation_blocked"
    assert not caught.value.retryable
    assert "RAW-API-TEXT" not in caught.value.user_message
    assert "safety system" not in caught.value.user_message
    assert len(fake.image_requests) == 1


def test_rate_limit_is_retried_until_success() -> None:
    with scripted(RATE_LIMITED, "ok") as fake:
        artworks = provider_for(fake).generate(EmojiSpec("party parrot"))

    assert len(artworks) == 1
    assert len(fake.image_requests) == 2


def test_used_up_quota_is_not_retried_and_alerts_the_operator(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        scripted(INSUFFICIENT_QUOTA) as fake,
        caplog.at_level(logging.ERROR),
        pytest.raises(ProviderError) as caught,
    ):
        provider_for(fake).generate(EmojiSpec("taco"))

    assert caught.value.reason == "quota_exhausted"
    assert not caught.value.retryable
    assert "unavailable" in caught.value.user_message
    assert len(fake.image_requests) == 1
    assert any("quota_exhausted" in record.getMessage() for record in caplog.records)
    assert fake.api_key not in caplog.text


def test_rejected_key_is_not_retried() -> None:
    with scripted(UNAUTHORIZED) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake).generate(EmojiSpec("taco"))

    assert caught.value.reason == "auth_failed"
    assert not caught.value.retryable
    assert len(fake.image_requests) == 1


def test_persistent_server_errors_end_retryable_after_max_attempts() -> None:
    with scripted(*[SERVER_ERROR] * 5) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake, max_attempts=3).generate(EmojiSpec("cloud"))

    assert caught.value.reason == "provider_unavailable"
    assert caught.value.retryable
    assert len(fake.image_requests) == 3


def test_timeout_is_retryable() -> None:
    with scripted(slow(2.0), slow(2.0)) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake, timeout_s=0.2, max_attempts=2).generate(EmojiSpec("snail"))

    assert caught.value.reason == "provider_unavailable"
    assert caught.value.retryable
    assert len(fake.image_requests) == 2


def test_no_retry_is_started_past_the_job_budget() -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with scripted(RATE_LIMITED, RATE_LIMITED, "ok") as fake:
        provider = provider_for(
            fake, backoff_s=10.0, budget_s=5.0, clock=lambda: now[0], sleep=sleep
        )
        with pytest.raises(ProviderError) as caught:
            provider.generate(EmojiSpec("clock"))

    assert caught.value.reason == "rate_limited"
    assert caught.value.retryable
    assert len(fake.image_requests) == 1


def test_moderation_pre_check_refuses_before_any_image_is_paid_for() -> None:
    with FakeOpenAI(flagged_words={"forbidden"}) as fake:
        provider = provider_for(fake, moderate=True)
        with pytest.raises(ProviderError) as caught:
            provider.generate(EmojiSpec("a forbidden thing"))

        assert caught.value.reason == "moderation_blocked"
        assert not caught.value.retryable
        assert fake.image_requests == []
        assert fake.moderation_requests == [{"input": ["a forbidden thing"]}]

        assert len(provider.generate(EmojiSpec("a kind thing"))) == 1


def test_usage_and_estimated_cost_are_recorded(fake: FakeOpenAI) -> None:
    provider = provider_for(fake, model="gpt-image-1.5", quality="medium")

    provider.generate(EmojiSpec("rocket", options=2))

    usage = provider.last_usage
    assert (usage.images, usage.model, usage.quality) == (2, "gpt-image-1.5", "medium")
    assert usage.estimated
    assert usage.estimated_cost_usd == pytest.approx(0.068)


def test_unknown_model_costs_are_flagged_as_not_estimated(fake: FakeOpenAI) -> None:
    provider = provider_for(fake)

    provider.generate(EmojiSpec("rocket"))

    assert provider.last_usage.images == 1
    assert not provider.last_usage.estimated
    assert provider.last_usage.estimated_cost_usd == 0.0
