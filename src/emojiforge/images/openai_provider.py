"""OpenAI GPT image models as an ``ImageProvider``.

Worker side only: this module imports the OpenAI SDK, which the webhook must
never load. The SDK's own retries are off; ``images.retry`` retries within the
job's time budget instead, so a slow outage cannot outlive the job.
"""

from __future__ import annotations

import base64
import binascii
import logging
import random
import time
from collections.abc import Callable
from typing import Literal, TypeVar, cast, get_args

import openai
from openai.types import ImagesResponse

from emojiforge.errors import ConfigError, ProviderError
from emojiforge.images import provider_errors
from emojiforge.images.model import Artwork
from emojiforge.images.pricing import NO_USAGE, Usage, usage_for
from emojiforge.images.prompts import build_prompt
from emojiforge.images.retry import Clock, Deadline, RetryPolicy, Sleep, call_with_retries
from emojiforge.jobs import EmojiSpec

_log = logging.getLogger(__name__)
T = TypeVar("T")

Quality = Literal["low", "medium", "high", "xhigh", "max", "auto"]

# Models that refused background="transparent" in this process. Later jobs go
# straight to the opaque request instead of paying for a refused round trip.
_OPAQUE_ONLY_MODELS: set[str] = set()

_SAFETY_CODES = {"moderation_blocked", "content_policy_violation"}


class _TransparencyRefused(Exception):
    """The model does not do transparent backgrounds: ask for a plain one."""


class OpenAIProvider:
    name = "openai"

    def __init__(
        self,
        api_key: str,
        *,
        model: str,
        quality: str,
        timeout_s: float,
        base_url: str | None = None,
        max_attempts: int = 3,
        backoff_s: float = 1.0,
        budget_s: float | None = None,
        moderate: bool = False,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        unit_random: Callable[[], float] = random.random,
    ) -> None:
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout_s, max_retries=0
        )
        self._model = model
        self._quality = _checked_quality(quality)
        self._timeout_s = timeout_s
        self._policy = RetryPolicy(max_attempts, backoff_s, budget_s)
        self._moderate = moderate
        self._clock = clock
        self._sleep = sleep
        self._unit_random = unit_random
        self.last_usage: Usage = NO_USAGE

    def generate(self, spec: EmojiSpec) -> list[Artwork]:
        deadline = Deadline(self._policy.budget_s, self._clock)
        self.last_usage = usage_for(self._model, self._quality, 0)
        if self._moderate:
            self._retrying(lambda: self._check_moderation(spec, deadline), deadline)
        if self._model not in _OPAQUE_ONLY_MODELS:
            try:
                images = self._retrying(lambda: self._images(spec, deadline, True), deadline)
                return self._artworks(images, plain_background=False)
            except _TransparencyRefused:
                _OPAQUE_ONLY_MODELS.add(self._model)
                _log.info("model %s refuses transparency; asking for plain white", self._model)
        images = self._retrying(lambda: self._images(spec, deadline, False), deadline)
        return self._artworks(images, plain_background=True)

    def _retrying(self, call: Callable[[], T], deadline: Deadline) -> T:
        return call_with_retries(
            call, self._policy, deadline, sleep=self._sleep, unit_random=self._unit_random
        )

    def _check_moderation(self, spec: EmojiSpec, deadline: Deadline) -> None:
        texts = [spec.description] + ([spec.source_text] if spec.source_text else [])
        try:
            result = self._client.moderations.create(
                input=texts, timeout=deadline.request_timeout(self._timeout_s)
            )
        except openai.APIError as error:
            raise provider_error(error) from None
        if any(item.flagged for item in result.results):
            _log.info("moderation pre-check flagged the description; no image requested")
            raise provider_errors.moderation_blocked()

    def _images(self, spec: EmojiSpec, deadline: Deadline, transparent: bool) -> list[bytes]:
        try:
            response = self._client.images.generate(
                model=self._model,
                prompt=build_prompt(spec, background="transparent" if transparent else "white"),
                n=spec.options,
                size="1024x1024",
                quality=self._quality,
                background="transparent" if transparent else "opaque",
                output_format="png",
                timeout=deadline.request_timeout(self._timeout_s),
            )
        except openai.APIError as error:
            if transparent and refuses_transparency(error):
                raise _TransparencyRefused from None
            raise provider_error(error) from None
        return decoded_images(response)

    def _artworks(self, images: list[bytes], *, plain_background: bool) -> list[Artwork]:
        self.last_usage = usage_for(self._model, self._quality, len(images))
        _log.info(
            "openai made %d image(s) with %s/%s, about $%.3f",
            len(images),
            self._model,
            self._quality,
            self.last_usage.estimated_cost_usd,
        )
        return [
            Artwork(data, plain_background=plain_background, label=f"openai {i + 1}")
            for i, data in enumerate(images)
        ]


def decoded_images(response: ImagesResponse) -> list[bytes]:
    """The PNG bytes in a response; none at all is a (retryable) provider fault."""
    images: list[bytes] = []
    for image in response.data or []:
        if not image.b64_json:
            continue
        try:
            images.append(base64.b64decode(image.b64_json, validate=True))
        except binascii.Error:
            continue
    if not images:
        raise provider_errors.no_image()
    return images


def refuses_transparency(error: openai.APIError) -> bool:
    if not isinstance(error, openai.BadRequestError) or error.code in _SAFETY_CODES:
        return False
    text = f"{error.param or ''} {_api_message(error)}".lower()
    return "background" in text or "transparen" in text


def provider_error(error: openai.APIError) -> ProviderError:
    """Map an SDK error to one of the few failures the worker acts on."""
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return provider_errors.provider_unavailable()
    if isinstance(error, openai.RateLimitError):
        if error.code == "insufficient_quota":
            return provider_errors.quota_exhausted("openai")
        return provider_errors.rate_limited()
    if isinstance(error, openai.AuthenticationError | openai.PermissionDeniedError):
        return provider_errors.auth_failed("openai")
    if isinstance(error, openai.BadRequestError) and _is_safety_refusal(error):
        return provider_errors.moderation_blocked()
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and 400 <= status < 500 and status != 408:
        return provider_errors.bad_request("openai")
    return provider_errors.provider_unavailable()


def _is_safety_refusal(error: openai.BadRequestError) -> bool:
    return error.code in _SAFETY_CODES or "safety system" in _api_message(error).lower()


def _api_message(error: openai.APIError) -> str:
    body = error.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return cast(str, body["message"])
    return error.message


def _checked_quality(value: str) -> Quality:
    if value not in get_args(Quality):
        raise ConfigError("EMOJIFORGE_OPENAI_QUALITY", f"unknown quality {value!r}")
    return cast(Quality, value)
