"""Text emoji: a few words drawn as large as the square allows.

Pure: text in, RGBA image out. The glyphs get a contrasting outline and a soft
shadow so they read on Slack's light (#FFFFFF) and dark (#1A1D21) themes alike.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from emojiforge.errors import InvalidInput

FONT_PATH = Path(__file__).parent / "fonts" / "DejaVuSans-Bold.ttf"
MAX_TEXT = 40  # beyond this a square emoji is unreadable at 128 px
MAX_SCROLL_TEXT = 60  # a marquee shows a few letters at a time, so it can carry more
MAX_LINES = 4

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Theme:
    fill: tuple[Colour, ...]  # top-to-bottom gradient stops; one stop is a solid fill
    outline: Colour


# Every theme pairs a light fill with a dark outline (or the reverse), so one of
# the two always contrasts with whichever Slack theme the emoji is seen on.
_THEMES: dict[str, Theme] = {
    "classic": Theme(fill=((255, 255, 255),), outline=(20, 20, 24)),
    "fire": Theme(fill=((255, 236, 90), (255, 150, 20), (226, 36, 12)), outline=(58, 10, 0)),
    "ocean": Theme(fill=((150, 240, 255), (30, 110, 220)), outline=(8, 30, 66)),
    "neon": Theme(fill=((255, 90, 220), (0, 230, 255)), outline=(28, 0, 52)),
    "mono": Theme(fill=((22, 22, 26),), outline=(255, 255, 255)),
    "candy": Theme(fill=((255, 170, 215), (180, 110, 255)), outline=(74, 0, 52)),
    "gold": Theme(fill=((255, 246, 170), (235, 180, 40), (170, 110, 10)), outline=(60, 40, 0)),
}
THEMES: tuple[str, ...] = tuple(_THEMES)

_REFERENCE_SIZE = 100  # layouts are compared at this font size, then scaled
_STROKE = 0.09  # outline width, as a fraction of the font size
_LINE_GAP = 0.06  # space between stacked lines, as a fraction of the font size
_MARGIN = 0.06  # free border around the text, as a fraction of the canvas height
_SHADOW = 0.025  # shadow offset and blur, as a fraction of the canvas height


def render_text(
    text: str, *, theme: str = "classic", single_line: bool = False, size: int = 512
) -> Image.Image:
    """Draw ``text`` centred on a transparent ``size``×``size`` canvas.

    With ``single_line`` the text stays on one line, ``size`` pixels high, on a
    canvas as wide as it needs (the input of the scroll effect).
    """
    if size < 16:
        raise ValueError(f"size {size} is too small to draw text")
    if theme not in _THEMES:
        raise InvalidInput("theme", f"unknown theme {theme!r}; pick one of {', '.join(THEMES)}")
    words = _drawable(text, single_line).split()
    layouts = [[" ".join(words)]] if single_line else _line_breaks(words)
    margin = round(size * _MARGIN)
    room_h = size - 2 * margin
    room_w = math.inf if single_line else room_h
    best = max(layouts, key=lambda lines: _scale(lines, room_w, room_h))
    font_size = _fitting_font_size(best, room_w, room_h)
    width = size
    if single_line:
        width = round(_block_size(best, font_size)[0]) + 2 * margin
    return _draw(best, font_size, (width, size), _THEMES[theme])


def _drawable(text: str, single_line: bool) -> str:
    limit = MAX_SCROLL_TEXT if single_line else MAX_TEXT
    if not text.strip():
        raise InvalidInput("description", "type the text to put on the emoji")
    if len(text.strip()) > limit:
        if single_line:
            message = f"scrolling text holds at most {limit} characters"
        else:
            message = (
                f"a text emoji holds at most {limit} characters; "
                f"the scroll effect fits up to {MAX_SCROLL_TEXT}"
            )
        raise InvalidInput("description", message)
    kept = "".join(ch for ch in text if ch.isspace() or _has_glyph(ch))
    if not kept.strip():
        raise InvalidInput(
            "description", "this text can't be drawn with the built-in font; try letters or digits"
        )
    return kept


@lru_cache(maxsize=4096)
def _has_glyph(char: str) -> bool:
    # Invisible joiners and variation selectors belong to emoji sequences the font
    # cannot draw anyway; left in, they would print as boxes.
    invisible = unicodedata.category(char) in {"Cc", "Cf"}
    if invisible or unicodedata.name(char, "").startswith("VARIATION SELECTOR"):
        return False
    # Pillow cannot ask the font for a glyph, but a missing one renders as the
    # font's "no glyph" box, so compare with that.
    return _glyph_pixels(char) != _glyph_pixels("\uffff")


@lru_cache(maxsize=4096)
def _glyph_pixels(char: str) -> bytes:
    font = _font(24)
    canvas = Image.new("L", (40, 40))
    ImageDraw.Draw(canvas).text((4, 4), char, font=font, fill=255)
    return canvas.tobytes()


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size)


def _line_breaks(words: list[str]) -> list[list[str]]:
    """Every way to cut the words into 1..MAX_LINES lines, keeping their order."""
    layouts = []
    for count in range(1, min(MAX_LINES, len(words)) + 1):
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            layouts.append([" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)])
    return layouts


def _line_boxes(lines: list[str], font_size: int) -> list[tuple[float, float, float, float]]:
    font = _font(font_size)
    stroke = _stroke(font_size)
    return [font.getbbox(line, stroke_width=stroke, anchor="ls") for line in lines]


def _block_size(lines: list[str], font_size: int) -> tuple[float, float]:
    boxes = _line_boxes(lines, font_size)
    width = max(right - left for left, _, right, _ in boxes)
    height = sum(bottom - top for _, top, _, bottom in boxes)
    return width, height + font_size * _LINE_GAP * (len(lines) - 1)


def _scale(lines: list[str], room_w: float, room_h: float) -> float:
    """How much the layout can grow from the reference size; bigger is better.

    Ties go to fewer lines: max() keeps the first best, and layouts start at one line.
    """
    width, height = _block_size(lines, _REFERENCE_SIZE)
    return min(room_w / width, room_h / height)


def _fitting_font_size(lines: list[str], room_w: float, room_h: float) -> int:
    # Glyph outlines do not scale exactly with the font size, so step down until it fits.
    font_size = max(4, int(_REFERENCE_SIZE * _scale(lines, room_w, room_h)))
    while font_size > 4:
        width, height = _block_size(lines, font_size)
        if width <= room_w and height <= room_h:
            break
        font_size -= 1
    return font_size


def _stroke(font_size: int) -> int:
    return max(1, round(font_size * _STROKE))


def _draw(lines: list[str], font_size: int, canvas: tuple[int, int], theme: Theme) -> Image.Image:
    width, height = canvas
    font = _font(font_size)
    stroke = _stroke(font_size)
    glyphs = Image.new("L", canvas)
    outlined = Image.new("L", canvas)
    _, block_h = _block_size(lines, font_size)
    # Centre text and shadow together, so the shadow does not run off the edge.
    nudge = _shadow_offset(height) / 2
    top = (height - block_h) / 2 - nudge
    block_top = top
    for line, (left, box_top, right, bottom) in zip(
        lines, _line_boxes(lines, font_size), strict=True
    ):
        origin = ((width - (right - left)) / 2 - left - nudge, top - box_top)
        ImageDraw.Draw(glyphs).text(origin, line, font=font, fill=255, anchor="ls")
        ImageDraw.Draw(outlined).text(
            origin, line, font=font, fill=255, anchor="ls", stroke_width=stroke, stroke_fill=255
        )
        top += bottom - box_top + font_size * _LINE_GAP

    image = Image.new("RGBA", canvas, (0, 0, 0, 0))
    image = Image.alpha_composite(image, _layer((0, 0, 0), _shadow(outlined, height)))
    image = Image.alpha_composite(image, _layer(theme.outline, outlined))
    fill = _gradient(theme.fill, canvas, round(block_top), round(block_top + block_h))
    fill.putalpha(glyphs)
    return Image.alpha_composite(image, fill)


def _shadow_offset(height: int) -> int:
    return max(1, round(height * _SHADOW))


def _shadow(outlined: Image.Image, height: int) -> Image.Image:
    offset = _shadow_offset(height)
    shadow = Image.new("L", outlined.size)
    shadow.paste(outlined, (offset, offset))
    shadow = shadow.filter(ImageFilter.GaussianBlur(offset))
    return shadow.point(lambda alpha: alpha * 55 // 100)


def _layer(colour: Colour, mask: Image.Image) -> Image.Image:
    layer = Image.new("RGBA", mask.size, (*colour, 255))
    layer.putalpha(mask)
    return layer


def _gradient(
    stops: tuple[Colour, ...], canvas: tuple[int, int], top: int, bottom: int
) -> Image.Image:
    """A vertical gradient through ``stops`` from ``top`` to ``bottom`` (clamped outside)."""
    span = max(1, bottom - top)
    column = [_colour_at(stops, (y - top) / span) for y in range(canvas[1])]
    strip = Image.new("RGBA", (1, canvas[1]))
    strip.putdata([(*colour, 255) for colour in column])
    return strip.resize(canvas, Image.Resampling.NEAREST)


def _colour_at(stops: tuple[Colour, ...], position: float) -> Colour:
    if len(stops) == 1:
        return stops[0]
    position = min(1.0, max(0.0, position)) * (len(stops) - 1)
    index = min(int(position), len(stops) - 2)
    t = position - index
    start, end = stops[index], stops[index + 1]
    return (
        round(start[0] + (end[0] - start[0]) * t),
        round(start[1] + (end[1] - start[1]) * t),
        round(start[2] + (end[2] - start[2]) * t),
    )
