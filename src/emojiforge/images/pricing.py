"""What one generation cost, roughly: a price table and the usage record. Pure.

Prices are approximate list prices in USD for one square (1024x1024 or the
provider's 1:1 default) image, as published by the providers in 2025-2026.
They are for dashboards and quotas, not invoices: a model or quality missing
here costs 0 and is flagged ``estimated=False`` so nobody mistakes it for free.
Refused requests (safety, transparency) are not billed and are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

# (model, quality) -> USD per image.
IMAGE_PRICES_USD: dict[tuple[str, str], float] = {
    # OpenAI GPT image models, 1024x1024.
    ("gpt-image-1", "low"): 0.011,
    ("gpt-image-1", "medium"): 0.042,
    ("gpt-image-1", "high"): 0.167,
    ("gpt-image-1-mini", "low"): 0.005,
    ("gpt-image-1-mini", "medium"): 0.011,
    ("gpt-image-1-mini", "high"): 0.036,
    ("gpt-image-1.5", "low"): 0.009,
    ("gpt-image-1.5", "medium"): 0.034,
    ("gpt-image-1.5", "high"): 0.133,
    # Gemini image models have one quality; about 1,290 output tokens per image.
    ("gemini-2.5-flash-image", "standard"): 0.039,
}


@dataclass(frozen=True)
class Usage:
    """The images one job made and what they probably cost."""

    images: int
    model: str
    quality: str
    estimated_cost_usd: float
    estimated: bool  # False when the price table did not know this model/quality


def usage_for(model: str, quality: str, images: int) -> Usage:
    price = IMAGE_PRICES_USD.get((model, quality))
    if price is None:
        return Usage(images, model, quality, estimated_cost_usd=0.0, estimated=False)
    return Usage(images, model, quality, round(price * images, 6), estimated=True)


NO_USAGE = Usage(images=0, model="", quality="", estimated_cost_usd=0.0, estimated=True)
