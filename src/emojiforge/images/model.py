"""The shapes that flow through the image pipeline.

provider.generate(spec) -> [Artwork]          (bytes, any size/format)
pipeline.make_emoji(artwork, effect) -> Emoji (Slack-ready bytes)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from emojiforge.jobs import EmojiSpec

EMOJI_SIZE = 128
MAX_EMOJI_BYTES = 131_072  # Slack's limit is "under 128 KB": we stay strictly below.
MAX_GIF_FRAMES = 50


@dataclass(frozen=True)
class Artwork:
    """What a provider returns: an encoded image (PNG/JPEG/WebP/GIF, any size).

    ``plain_background`` is True when the provider could not give transparency
    and painted a plain background instead; the pipeline then removes it.
    """

    data: bytes
    plain_background: bool = False
    label: str = ""  # e.g. which theme/variant, for logs and previews


@dataclass(frozen=True)
class Emoji:
    """A Slack-ready emoji: square, 128×128, strictly under 128 KB."""

    data: bytes
    format: Literal["png", "gif"]
    width: int
    height: int
    frames: int

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def extension(self) -> str:
        return self.format

    @property
    def animated(self) -> bool:
        return self.frames > 1


class ImageProvider(Protocol):
    """Anything that turns a description into artwork: offline, OpenAI, Gemini."""

    name: str

    def generate(self, spec: EmojiSpec) -> list[Artwork]:
        """Return ``spec.options`` artworks (fewer only by raising ProviderError)."""
        ...
