from __future__ import annotations

import random

from PIL import Image, ImageDraw

from emojiforge.images.background import has_transparency, remove_plain_background
from tests.images.corpus import photo_like, shape_on

RED = (210, 30, 30)


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def red_circle_on_white_with_a_white_eye() -> Image.Image:
    # Drawn large and scaled down, so the edges are anti-aliased like real artwork.
    image = Image.new("RGB", (1200, 1200), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 150, 1050, 1050), fill=RED)
    draw.ellipse((540, 540, 660, 660), fill="white")  # enclosed by red: part of the subject
    return image.resize((300, 300), Image.Resampling.BOX)


def test_a_plain_background_becomes_transparent_and_the_subject_stays_opaque():
    result = remove_plain_background(red_circle_on_white_with_a_white_eye())

    assert result.mode == "RGBA"
    for corner in ((0, 0), (299, 0), (0, 299), (299, 299), (20, 150)):
        assert pixel(result, corner)[3] == 0
    assert pixel(result, (150, 80))[3] == 255
    assert pixel(result, (150, 150)) == (255, 255, 255, 255)  # the enclosed white eye


def test_soft_edges_carry_no_halo_of_the_old_background():
    result = remove_plain_background(red_circle_on_white_with_a_white_eye())

    edge = [
        pixel(result, (x, y))
        for x in range(0, 300, 3)
        for y in range(0, 300, 3)
        if 0 < pixel(result, (x, y))[3] < 255 and abs(x - 150) + abs(y - 150) > 40
    ]
    assert edge, "the edge should be soft, not a staircase"
    # Un-blended edge pixels are red, not the pink a white background left in them.
    assert all(green < 90 and blue < 90 for _, green, blue, _ in edge)


def test_a_plain_coloured_background_is_removed_too():
    image = shape_on((40, 90, 200), (200, 200), (50, 50, 150, 150), (250, 220, 0))

    result = remove_plain_background(image)

    assert pixel(result, (5, 5))[3] == 0
    assert pixel(result, (100, 100))[3] == 255


def test_an_image_with_alpha_is_left_alone():
    image = shape_on((255, 255, 255, 0), (100, 100), (20, 20, 80, 80), (*RED, 255))

    assert remove_plain_background(image) is image


def test_a_photo_is_left_alone():
    image = photo_like(random.Random(3), (300, 200))

    assert remove_plain_background(image) is image


def test_transparency_is_detected_only_when_pixels_are_see_through():
    opaque_rgba = Image.new("RGBA", (50, 50), (*RED, 255))
    cut_out = shape_on((0, 0, 0, 0), (50, 50), (10, 10, 40, 40), (*RED, 255))

    assert not has_transparency(Image.new("RGB", (50, 50), RED))
    assert not has_transparency(opaque_rgba)
    assert has_transparency(cut_out)
    assert has_transparency(cut_out.convert("LA"))
