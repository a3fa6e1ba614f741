"""How an emoji reads at chat size on Slack's light and dark themes.

An emoji is drawn at 22 px inline in a message and at 32 px when a message is
only emoji; a design that vanishes into the dark theme is worth catching early.
"""

from __future__ import annotations

from io import BytesIO
from typing import Literal

from PIL import Image, ImageChops, ImageStat

from emojiforge.images.model import Emoji

Theme = Literal["light", "dark"]

THEME_BACKGROUNDS: dict[Theme, tuple[int, int, int]] = {
    "light": (0xFF, 0xFF, 0xFF),
    "dark": (0x1A, 0x1D, 0x21),
}
INLINE_SIZE = 22
JUMBO_SIZE = 32
SHEET_PADDING = 8
SHEET_TILES: tuple[tuple[Theme, int], ...] = (
    ("light", INLINE_SIZE),
    ("light", JUMBO_SIZE),
    ("dark", INLINE_SIZE),
    ("dark", JUMBO_SIZE),
)


def render_at(emoji: Emoji, size: int, theme: Theme) -> Image.Image:
    """The emoji's first frame as Slack shows it: ``size`` px on the theme's background."""
    with Image.open(BytesIO(emoji.data)) as source:
        first = source.convert("RGBA")
    small = first.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
    rendering = Image.new("RGBA", (size, size), THEME_BACKGROUNDS[theme])
    rendering.alpha_composite(small)
    return rendering.convert("RGB")


def preview_sheet(emoji: Emoji) -> Image.Image:
    """Inline and jumbo sizes on the light then the dark theme, side by side."""
    cell = JUMBO_SIZE + 2 * SHEET_PADDING
    sheet = Image.new("RGB", (cell * len(SHEET_TILES), cell))
    for position, (theme, size) in enumerate(SHEET_TILES):
        left = position * cell
        sheet.paste(THEME_BACKGROUNDS[theme], (left, 0, left + cell, cell))
        offset = (cell - size) // 2
        sheet.paste(render_at(emoji, size, theme), (left + offset, offset))
    return sheet


def legibility(emoji: Emoji, size: int, theme: Theme) -> float:
    """How much the rendering stands out from the bare background, from 0 (invisible)
    to 1: the root mean square difference in luminance over the rendering."""
    rendering = render_at(emoji, size, theme).convert("L")
    background = Image.new("RGB", rendering.size, THEME_BACKGROUNDS[theme]).convert("L")
    difference = ImageChops.difference(rendering, background)
    return float(ImageStat.Stat(difference).rms[0]) / 255
