"""Text emoji: big, centred, readable on Slack's light and dark themes."""

from typing import cast

import pytest
from PIL import Image, ImageStat

from emojiforge.errors import InvalidInput
from emojiforge.images.text import MAX_TEXT, THEMES, render_text

SLACK_LIGHT = (255, 255, 255)
SLACK_DARK = (26, 29, 33)


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    # Ignore the faint drop shadow: measure what a person sees as the letters.
    box = image.getchannel("A").point(lambda a: 255 if a > 200 else 0).getbbox()
    assert box is not None
    return box


RGBA = tuple[int, int, int, int]


def pixels(image: Image.Image) -> list[RGBA]:
    return cast(list[RGBA], list(image.get_flattened_data()))


def luminance(rgb: tuple[int, ...]) -> float:
    red, green, blue = rgb[:3]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def share_contrasting_with(image: Image.Image, background: tuple[int, int, int]) -> float:
    """Share of the solid pixels that stand out from ``background``."""
    solid = [p for p in pixels(image) if p[3] > 200]
    contrasting = [p for p in solid if abs(luminance(p) - luminance(background)) > 90]
    return len(contrasting) / len(solid)


def test_a_short_word_fills_most_of_the_square():
    image = render_text("lgtm")
    left, _, right, _ = ink_box(image)
    assert image.size == (512, 512)
    assert image.mode == "RGBA"
    assert right - left > 0.7 * image.width


def test_the_text_is_centred():
    image = render_text("+1", size=256)
    left, top, right, bottom = ink_box(image)
    assert abs((left + right) / 2 - 128) < 12
    assert abs((top + bottom) / 2 - 128) < 12


def test_the_background_is_transparent():
    image = render_text("nope")
    assert image.getchannel("A").getpixel((0, 0)) == 0
    assert image.getchannel("A").getpixel((511, 511)) == 0


def test_two_words_wrap_onto_two_lines_to_grow_bigger():
    square = ink_box(render_text("ship it", size=256))
    one_line = ink_box(render_text("ship it", single_line=True, size=256))
    assert square[3] - square[1] > 0.6 * 256  # two lines stacked
    assert one_line[2] - one_line[0] > 2 * (one_line[3] - one_line[1])  # one wide line


def test_single_line_uses_the_full_height_on_a_wide_canvas():
    image = render_text("ship it", single_line=True, size=128)
    assert image.height == 128
    assert image.width > 2 * image.height
    _, top, _, bottom = ink_box(image)
    assert bottom - top > 0.7 * 128


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_reads_on_both_light_and_dark_slack(theme):
    image = render_text("ok", theme=theme, size=128)
    assert share_contrasting_with(image, SLACK_LIGHT) > 0.2
    assert share_contrasting_with(image, SLACK_DARK) > 0.2


def test_the_letters_have_an_outline_in_a_contrasting_shade():
    image = render_text("lgtm", theme="classic", size=256)
    row = pixels(image.crop((0, 128, 256, 129)))
    solid = [p for p in row if p[3] > 200]
    first_solid = solid[0]
    assert luminance(first_solid) < 80  # the dark outline is the edge
    assert max(luminance(p) for p in solid) > 200  # the light fill is inside


def test_each_theme_has_its_own_colours():
    def mean_colour(theme: str) -> tuple[int, ...]:
        image = render_text("hi", theme=theme, size=64)
        solid = image.getchannel("A").point(lambda a: 255 if a > 200 else 0)
        return tuple(round(c) for c in ImageStat.Stat(image.convert("RGB"), solid).mean)

    assert len(THEMES) >= 6
    assert len({mean_colour(theme) for theme in THEMES}) == len(THEMES)


def test_unicode_text_draws_what_the_font_has():
    image = render_text("café ☕️ 中")
    assert ink_box(image)[2] - ink_box(image)[0] > 100


def test_text_the_font_cannot_draw_is_refused_naming_the_description():
    with pytest.raises(InvalidInput) as error:
        render_text("中文")
    assert error.value.field == "description"
    assert "font" in error.value.message


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_refused(text):
    with pytest.raises(InvalidInput) as error:
        render_text(text)
    assert error.value.field == "description"


def test_long_text_is_refused_with_a_pointer_to_the_scroll_effect():
    with pytest.raises(InvalidInput) as error:
        render_text("x" * (MAX_TEXT + 1))
    assert "scroll" in error.value.message
    assert render_text("x" * (MAX_TEXT + 1), single_line=True, size=64).width > 64


def test_an_unknown_theme_is_refused():
    with pytest.raises(InvalidInput) as error:
        render_text("ok", theme="plaid")
    assert error.value.field == "theme"
