"""Google Gemini image models as an ``ImageProvider``.

Worker side only: this module imports google-genai. Gemini makes one image per
call and cannot paint transparency, so each option is its own call (run side
by side), the prompt asks for a plain white background, and the pipeline
removes it (``plain_background=True``). The SDK's retries are off (its
default); ``images.retry`` retries within the job's time budget instead.
"""

from __future__ import annotations

import io
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx2  # google-genai's transport: its timeouts and connection errors surface as-is
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image, UnidentifiedImageError

from emojiforge.errors import ProviderError
from emojiforge.images import provider_errors
from emojiforge.images.model import Artwork
from emojiforge.images.pricing import NO_USAGE, Usage, usage_for
from emojiforge.images.prompts import build_prompt
from emojiforge.images.retry import Clock, Deadline, RetryPolicy, Sleep, call_with_retries
from emojiforge.jobs import EmojiSpec

_log = logging.getLogger(__name__)

# Gemini image models have one quality; the price table keys them with this.
QUALITY = "standard"
_MAX_PARALLEL = 4
_SAFETY_REASONS = {
    "SAFETY", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
    "IMAGE_PROHIBITED_CONTENT", "MODEL_ARMOR", "JAILBREAK",
}  # fmt: skip


class GeminiProvider:
    name = "gemini"

    def __init__(
        self,
        api_key: str,
        *,
        model: str,
        timeout_s: float,
        base_url: str | None = None,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        budget_s: float | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        unit_random: Callable[[], float] = random.random,
    ) -> None:
        self._client = genai.Client(
            api_key=api_key, http_options=types.HttpOptions(base_url=base_url or None)
        )
        self._model = model
        self._timeout_s = timeout_s
        self._policy = RetryPolicy(max_attempts, backoff_s, budget_s)
        self._clock = clock
        self._sleep = sleep
        self._unit_random = unit_random
        self.last_usage: Usage = NO_USAGE

    def generate(self, spec: EmojiSpec) -> list[Artwork]:
        deadline = Deadline(self._policy.budget_s, self._clock)
        prompt = build_prompt(spec, background="white")
        self.last_usage = usage_for(self._model, QUALITY, 0)
        with ThreadPoolExecutor(max_workers=min(spec.options, _MAX_PARALLEL)) as pool:
            futures = [
                pool.submit(self._one_image_with_retries, prompt, deadline)
                for _ in range(spec.options)
            ]
        images: list[bytes] = []
        failures: list[ProviderError] = []
        for future in futures:
            try:
                images.append(future.result())
            except ProviderError as error:
                failures.append(error)
        if not images:
            raise most_telling(failures)
        # Some options failing is fine: the person still gets a choice.
        self.last_usage = usage_for(self._model, QUALITY, len(images))
        _log.info(
            "gemini made %d of %d image(s) with %s, about $%.3f",
            len(images), spec.options, self._model, self.last_usage.estimated_cost_usd,
        )  # fmt: skip
        return [
            Artwork(data, plain_background=True, label=f"gemini {i + 1}")
            for i, data in enumerate(images)
        ]

    def _one_image_with_retries(self, prompt: str, deadline: Deadline) -> bytes:
        return call_with_retries(
            lambda: self._one_image(prompt, deadline),
            self._policy,
            deadline,
            sleep=self._sleep,
            unit_random=self._unit_random,
        )

    def _one_image(self, prompt: str, deadline: Deadline) -> bytes:
        timeout_ms = max(1, int(deadline.request_timeout(self._timeout_s) * 1000))
        config = types.GenerateContentConfig(
            response_modalities=["IMAGE"],
            image_config=types.ImageConfig(aspect_ratio="1:1"),
            http_options=types.HttpOptions(timeout=timeout_ms),
        )
        try:
            response = self._client.models.generate_content(
                model=self._model, contents=prompt, config=config
            )
        except genai_errors.APIError as error:
            raise provider_error(error) from None
        except httpx2.TransportError:  # timeouts and refused or dropped connections
            raise provider_errors.provider_unavailable() from None
        return square_png(image_bytes(response))


def image_bytes(response: types.GenerateContentResponse) -> bytes:
    """The first image in a response; a safety block or no image is an error."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        raise provider_errors.moderation_blocked()
    for candidate in response.candidates or []:
        parts = candidate.content.parts if candidate.content else None
        for part in parts or []:
            blob = part.inline_data
            if blob and blob.data and (blob.mime_type or "").startswith("image/"):
                return blob.data
        if _name(candidate.finish_reason) in _SAFETY_REASONS:
            raise provider_errors.moderation_blocked()
    raise provider_errors.no_image()


def square_png(data: bytes) -> bytes:
    """The centre square of an image, as PNG; already-square images pass unchanged.
    ``aspect_ratio="1:1"`` is a request, not a promise, and Slack wants squares."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width == height:
                return data
            side = min(width, height)
            left, top = (width - side) // 2, (height - side) // 2
            square = image.crop((left, top, left + side, top + side))
            buffer = io.BytesIO()
            square.save(buffer, format="PNG")
            return buffer.getvalue()
    except (UnidentifiedImageError, OSError):
        raise provider_errors.no_image() from None


def provider_error(error: genai_errors.APIError) -> ProviderError:
    """Map a Gemini API error to one of the few failures the worker acts on."""
    detail = f"{error.status or ''} {error.message or ''} {error.details}"
    if error.code == 429:
        # Gemini says 429 both for "slow down" and for a used-up daily quota.
        if "PerDay" in detail:
            return provider_errors.quota_exhausted("gemini")
        return provider_errors.rate_limited()
    if error.code in (401, 403) or "API_KEY_INVALID" in detail:
        return provider_errors.auth_failed("gemini")
    if error.code == 400 and "safety" in detail.lower():
        return provider_errors.moderation_blocked()
    if 400 <= error.code < 500 and error.code != 408:
        return provider_errors.bad_request("gemini")
    return provider_errors.provider_unavailable()


def most_telling(failures: list[ProviderError]) -> ProviderError:
    """Of several failed options, the error that says most: a final one (safety,
    quota) beats a passing one, since retrying would meet it again."""
    final = [error for error in failures if not error.retryable]
    return (final or failures)[0]


def _name(reason: object) -> str:
    return str(getattr(reason, "value", reason) or "")
