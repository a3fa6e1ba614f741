"""The offline provider: text emoji drawn locally, no API key and no network.

It has no drawing model, so every style becomes lettering; the style picks the
colour themes (and, for pixel art, a blocky rendering) that suit it best.
"""

from __future__ import annotations

import io

from PIL import Image

from emojiforge.images.model import Artwork
from emojiforge.images.text import THEMES, render_text
from emojiforge.jobs import EmojiSpec

RENDER_SIZE = 320  # well above the 128 px emoji, yet quick to draw and animate
SCROLL_HEIGHT = 160  # a marquee strip is many squares wide: keep it light
PIXEL_SCALE = 8  # pixel style is drawn this many times smaller, then blown up

# Best-suited themes first; options beyond the list take the remaining themes.
_STYLE_THEMES: dict[str, tuple[str, ...]] = {
    "text": ("classic", "fire", "ocean", "neon"),
    "cartoon": ("candy", "classic", "fire", "ocean"),
    "flat": ("ocean", "classic", "candy", "mono"),
    "pixel": ("neon", "classic", "ocean", "candy"),
    "clay": ("candy", "gold", "ocean", "fire"),
    "line": ("mono", "classic", "ocean", "neon"),
    "kawaii": ("candy", "neon", "ocean", "gold"),
    "sticker": ("classic", "candy", "fire", "ocean"),
    "realistic": ("gold", "fire", "ocean", "mono"),
    "retro": ("gold", "fire", "candy", "ocean"),
}


class OfflineProvider:
    name = "offline"

    def generate(self, spec: EmojiSpec) -> list[Artwork]:
        """``spec.options`` variants of the description as lettering, one theme each."""
        themes = themes_for(spec.style)[: spec.options]
        return [
            Artwork(data=_png(_render(spec, theme)), plain_background=False, label=theme)
            for theme in themes
        ]


def themes_for(style: str) -> tuple[str, ...]:
    """Every theme, the ones that suit ``style`` first."""
    preferred = _STYLE_THEMES.get(style, THEMES)
    return preferred + tuple(theme for theme in THEMES if theme not in preferred)


def _render(spec: EmojiSpec, theme: str) -> Image.Image:
    single_line = spec.effect == "scroll"
    size = SCROLL_HEIGHT if single_line else RENDER_SIZE
    if spec.style != "pixel":
        return render_text(spec.description, theme=theme, single_line=single_line, size=size)
    small = render_text(
        spec.description, theme=theme, single_line=single_line, size=size // PIXEL_SCALE
    )
    # Hard edges: a pixel is either there or not, as in real pixel art.
    small.putalpha(small.getchannel("A").point(lambda alpha: 255 if alpha >= 128 else 0))
    large = (small.width * PIXEL_SCALE, small.height * PIXEL_SCALE)
    return small.resize(large, Image.Resampling.NEAREST)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # an intermediate: emojify re-encodes it anyway
    return buffer.getvalue()
