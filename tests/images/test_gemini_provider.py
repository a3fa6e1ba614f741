"""GeminiProvider against a fake Gemini API over real HTTP, through google-genai."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from PIL import Image

from emojiforge.errors import ProviderError
from emojiforge.images.gemini_provider import GeminiProvider
from emojiforge.jobs import EmojiSpec
from tests.fakes.gemini_api import (
    BAD_KEY,
    DAILY_QUOTA_USED,
    IMAGE_BLOCKED,
    PROMPT_BLOCKED,
    RATE_LIMITED,
    SAFETY_REFUSED,
    SERVER_ERROR,
    TEXT_ONLY,
    UNAVAILABLE,
    FakeGemini,
    Step,
    slow,
)

MODEL = "gemini-2.5-flash-image"


def provider_for(fake: FakeGemini, **overrides: object) -> GeminiProvider:
    options: dict[str, object] = {
        "model": MODEL,
        "timeout_s": 5.0,
        "base_url": fake.base_url,
        "max_attempts": 3,
        "backoff_s": 0.001,
    }
    options.update(overrides)
    return GeminiProvider(fake.api_key, **options)  # type: ignore[arg-type]


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    with FakeGemini() as server:
        yield server


def scripted(*steps: Step, **kwargs: object) -> FakeGemini:
    return FakeGemini(script=steps, **kwargs)  # type: ignore[arg-type]


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_one_call_per_option_each_a_square_image_on_a_plain_background(
    fake: FakeGemini,
) -> None:
    artworks = provider_for(fake).generate(EmojiSpec("happy dance", options=3))

    assert len(artworks) == 3
    assert all(image_size(artwork.data) == (64, 64) for artwork in artworks)
    assert all(artwork.plain_background for artwork in artworks)
    assert len(fake.requests) == 3
    request = fake.requests[0]
    assert request.model == MODEL
    config = request.body["generationConfig"]
    assert config["imageConfig"]["aspectRatio"] == "1:1"
    assert config["responseModalities"] == ["IMAGE"]
    prompt = request.body["contents"][0]["parts"][0]["text"]
    assert '"happy dance"' in prompt
    assert "white background" in prompt


def test_a_non_square_image_is_cropped_to_its_centre() -> None:
    with FakeGemini(image_size=(96, 64)) as fake:
        [artwork] = provider_for(fake).generate(EmojiSpec("wide cat"))

    assert image_size(artwork.data) == (64, 64)


def test_safety_refusal_is_final_and_told_in_plain_words() -> None:
    with scripted(SAFETY_REFUSED) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake).generate(EmojiSpec("something edgy"))

    assert caught.value.reason == "moderation_blocked"
    assert not caught.value.retryable
    assert "RAW-API-TEXT" not in caught.value.user_message
    assert len(fake.requests) == 1


@pytest.mark.parametrize("blocked", [PROMPT_BLOCKED, IMAGE_BLOCKED], ids=["prompt", "image"])
def test_blocked_answers_are_safety_refusals(blocked: Step) -> None:
    with scripted(blocked) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake).generate(EmojiSpec("something edgy"))

    assert caught.value.reason == "moderation_blocked"
    assert len(fake.requests) == 1


def test_an_answer_without_an_image_is_retried() -> None:
    with scripted(TEXT_ONLY, "ok") as fake:
        artworks = provider_for(fake).generate(EmojiSpec("robot"))

    assert len(artworks) == 1
    assert len(fake.requests) == 2


def test_rate_limit_is_retried_until_success() -> None:
    with scripted(RATE_LIMITED, UNAVAILABLE, "ok") as fake:
        artworks = provider_for(fake).generate(EmojiSpec("party parrot"))

    assert len(artworks) == 1
    assert len(fake.requests) == 3


def test_used_up_daily_quota_is_not_retried_and_alerts_the_operator(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        scripted(DAILY_QUOTA_USED) as fake,
        caplog.at_level(logging.ERROR),
        pytest.raises(ProviderError) as caught,
    ):
        provider_for(fake).generate(EmojiSpec("taco"))

    assert caught.value.reason == "quota_exhausted"
    assert not caught.value.retryable
    assert len(fake.requests) == 1
    assert any("quota_exhausted" in record.getMessage() for record in caplog.records)
    assert fake.api_key not in caplog.text


def test_invalid_key_is_not_retried() -> None:
    with scripted(BAD_KEY) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake).generate(EmojiSpec("taco"))

    assert caught.value.reason == "auth_failed"
    assert not caught.value.retryable
    assert len(fake.requests) == 1


def test_persistent_server_errors_end_retryable_after_max_attempts() -> None:
    with scripted(*[SERVER_ERROR] * 5) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake, max_attempts=3).generate(EmojiSpec("cloud"))

    assert caught.value.reason == "provider_unavailable"
    assert caught.value.retryable
    assert len(fake.requests) == 3


def test_timeout_is_retryable() -> None:
    with scripted(slow(2.0), slow(2.0)) as fake, pytest.raises(ProviderError) as caught:
        provider_for(fake, timeout_s=0.2, max_attempts=2).generate(EmojiSpec("snail"))

    assert caught.value.reason == "provider_unavailable"
    assert caught.value.retryable
    assert len(fake.requests) == 2


def test_options_that_fail_are_dropped_when_others_succeed() -> None:
    with scripted(SAFETY_REFUSED) as fake:
        artworks = provider_for(fake).generate(EmojiSpec("two cats", options=2))

    assert len(artworks) == 1
    assert len(fake.requests) == 2


def test_usage_and_estimated_cost_are_recorded(fake: FakeGemini) -> None:
    provider = provider_for(fake)

    provider.generate(EmojiSpec("rocket", options=2))

    usage = provider.last_usage
    assert (usage.images, usage.model, usage.quality) == (2, MODEL, "standard")
    assert usage.estimated
    assert usage.estimated_cost_usd == pytest.approx(0.078)
