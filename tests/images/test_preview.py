from __future__ import annotations

from PIL import Image

from emojiforge.images.emojify import emojify_frames
from emojiforge.images.model import Emoji
from emojiforge.images.preview import legibility, preview_sheet, render_at
from tests.images.corpus import shape_on

DARK_BACKGROUND = (0x1A, 0x1D, 0x21)


def emoji_of(colour: tuple[int, int, int]) -> Emoji:
    image = shape_on((0, 0, 0, 0), (256, 256), (16, 16, 240, 240), (*colour, 255))
    return emojify_frames([image], [0])


def test_renderings_have_chat_sizes_and_show_the_theme_around_the_emoji():
    emoji = emoji_of((250, 180, 0))

    for size in (22, 32):
        light = render_at(emoji, size, "light")
        dark = render_at(emoji, size, "dark")
        assert light.size == dark.size == (size, size)
        assert light.getpixel((0, 0)) == (255, 255, 255)
        assert dark.getpixel((0, 0)) == DARK_BACKGROUND


def test_the_sheet_shows_four_renderings_side_by_side():
    sheet = preview_sheet(emoji_of((250, 180, 0)))

    width, height = sheet.size
    assert width == 4 * height
    assert sheet.getpixel((1, 1)) == (255, 255, 255)
    assert sheet.getpixel((width - 2, 1)) == DARK_BACKGROUND


def test_a_dark_emoji_is_less_legible_on_the_dark_theme():
    emoji = emoji_of((25, 25, 30))

    for size in (22, 32):
        assert legibility(emoji, size, "dark") < legibility(emoji, size, "light") / 4


def test_a_bright_emoji_reads_well_on_both_themes():
    emoji = emoji_of((250, 180, 0))

    for theme in ("light", "dark"):
        assert legibility(emoji, 22, theme) > 0.15


def test_a_blank_rendering_has_no_legibility():
    emoji = emoji_of((255, 255, 255))

    assert legibility(emoji, 32, "light") < 0.01
    assert isinstance(render_at(emoji, 32, "dark"), Image.Image)
