"""Remove the plain background an image provider paints when it cannot give alpha.

Only background connected to the border goes: a white eye on a white background
is enclosed by the face around it, so it stays. Images that already carry alpha, and
images whose border is not one plain colour (photos), come back unchanged.
"""

from __future__ import annotations

from typing import Any

from PIL import Image, ImageChops, ImageFilter, ImageMath, ImageStat

# Colour distance is the largest per-channel difference from the background (0-255).
CLEAR_BELOW = 24  # this close to the background: fully transparent
FLOOD_TOLERANCE = 48  # the flood crosses pixels at most this far from the background
PLAIN_BORDER_SHARE = 0.7  # the subject may touch the border, but not most of it
TRANSPARENT_SHARE = 0.001  # less than 1 pixel in 1000 see-through is an encoder quirk
MAX_FLOOD_ROUNDS = 4096  # a bound for pathological mazes; real images need far fewer
COARSE_SIZE = 64  # the coarse flood works on blocks that make the image this small


def has_transparency(img: Image.Image) -> bool:
    """True when a noticeable share of pixels is see-through."""
    if "A" not in img.getbands() and "transparency" not in img.info:
        return False
    alpha = img.convert("RGBA").getchannel("A")
    see_through = alpha.point(lambda a: 255 if a < 250 else 0).histogram()[255]
    return see_through >= TRANSPARENT_SHARE * img.width * img.height


def remove_plain_background(img: Image.Image) -> Image.Image:
    """An RGBA copy with the plain, border-connected background made transparent;
    ``img`` itself when it already has alpha or has no plain background."""
    if has_transparency(img) or min(img.size) < 3:
        return img
    rgb = img.convert("RGB")
    background = _border_colour(rgb)
    distance = _distance_from(rgb, background)
    if _border_share_near(distance, FLOOD_TOLERANCE) < PLAIN_BORDER_SHARE:
        return img
    passable = distance.point(lambda d: 255 if d <= FLOOD_TOLERANCE else 0)
    outside = _reachable_from_border(passable)
    # The soft edge applies only outside and on the ring of pixels touching it, so a
    # background-coloured detail inside the subject keeps its full opacity.
    near_outside = _grow(outside)
    alpha = Image.composite(_coverage(distance), Image.new("L", rgb.size, 255), near_outside)
    result = _unblend(rgb, alpha, background)
    # A slight feather, only ever lowering alpha, so the edge is not a staircase.
    result.putalpha(ImageChops.darker(alpha, alpha.filter(ImageFilter.BoxBlur(0.5))))
    return result


def _coverage(distance: Image.Image) -> Image.Image:
    """How much of each pixel the subject covers, for anti-aliased edge pixels.

    An edge pixel is a blend of the background and the subject colour next to it,
    so its distance divided by the largest distance nearby (the subject's own) is
    the subject's share: a pale subject gets as crisp an edge as a saturated one.
    """

    def share(args: dict[str, Any]) -> Any:
        subject = args["max"](args["subject"] - CLEAR_BELOW, 1)
        return (args["distance"] - CLEAR_BELOW) * 255 / subject

    nearby_subject = _grow(_grow(distance))
    coverage = ImageMath.lambda_eval(share, distance=distance, subject=nearby_subject)
    return _clamped(coverage)


def _border_pixels(img: Image.Image) -> Image.Image:
    """The outermost ring of pixels as one row."""
    width, height = img.size
    strips = [
        img.crop((0, 0, width, 1)),
        img.crop((0, height - 1, width, height)),
        img.crop((0, 0, 1, height)).rotate(90, expand=True),
        img.crop((width - 1, 0, width, height)).rotate(90, expand=True),
    ]
    row = Image.new(img.mode, (2 * (width + height), 1))
    x = 0
    for strip in strips:
        row.paste(strip, (x, 0))
        x += strip.width
    return row


def _border_colour(rgb: Image.Image) -> tuple[int, int, int]:
    red, green, blue = ImageStat.Stat(_border_pixels(rgb)).median[:3]
    return int(red), int(green), int(blue)


def _distance_from(rgb: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    difference = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour))
    red, green, blue = difference.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def _border_share_near(distance: Image.Image, tolerance: int) -> float:
    border = _border_pixels(distance).histogram()
    return sum(border[: tolerance + 1]) / sum(border)


def _reachable_from_border(passable: Image.Image) -> Image.Image:
    """Pixels of ``passable`` (255) connected to the border through passable pixels.

    A flood fill by repeated one-pixel growth, each round done by Pillow in C (a
    per-pixel Python flood would be a hundred times slower). Rounds grow with the
    distance to cover, so a coarse flood runs first and seeds the fine one.
    """
    width, height = passable.size
    seed = Image.new("L", passable.size, 255)
    seed.paste(0, (1, 1, width - 1, height - 1))
    factor = -(-max(width, height) // COARSE_SIZE)
    if factor > 1:
        seed = ImageChops.lighter(seed, _coarse_reachable(passable, factor))
    reached = ImageChops.darker(seed, passable)
    count = _count_set(reached)
    for _ in range(MAX_FLOOD_ROUNDS):
        reached = ImageChops.darker(_grow(reached), passable)
        # Growth never removes a pixel, so an unchanged count means nothing changed.
        count, previous = _count_set(reached), count
        if count == previous:
            break
    return reached


def _coarse_reachable(passable: Image.Image, factor: int) -> Image.Image:
    """A subset of the reachable pixels, found on blocks of ``factor`` pixels.

    A block counts as passable only when all of its pixels are, so a wall thinner
    than a block still blocks, and every pixel of a reached block is truly reached.
    """
    whole_blocks = passable.reduce(factor).point(lambda v: 255 if v == 255 else 0)
    reached = _reachable_from_border(whole_blocks)
    size = (reached.width * factor, reached.height * factor)
    return reached.resize(size, Image.Resampling.NEAREST).crop((0, 0, *passable.size))


def _count_set(mask: Image.Image) -> int:
    return mask.histogram()[255]


def _grow(mask: Image.Image) -> Image.Image:
    """``mask`` spread by one pixel to its four neighbours (a 4-neighbour maximum).

    ``offset`` wraps around the edges, which adds nothing here: whatever wraps in
    lands on the border, and every passable border pixel is reached from the start.
    """
    grown = mask
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        grown = ImageChops.lighter(grown, ImageChops.offset(mask, dx, dy))
    return grown


def _unblend(rgb: Image.Image, alpha: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """Take the background colour back out of semi-transparent edge pixels, so the
    edge does not keep a halo of it on another background: solve
    ``observed = a * colour + (1 - a) * background`` for ``colour``."""

    def unblended(args: dict[str, Any]) -> Any:
        base = args["base"]
        return (args["observed"] - base) * 255 / args["max"](args["alpha"], 1) + base

    channels = [
        _clamped(ImageMath.lambda_eval(unblended, observed=observed, alpha=alpha, base=base))
        for observed, base in zip(rgb.split(), background, strict=True)
    ]
    return Image.merge("RGBA", (*channels, alpha))


def _clamped(values: Any) -> Image.Image:
    """ImageMath's 32-bit result as 8 bits; the conversion clamps to 0-255."""
    result: Image.Image = values.convert("L")
    return result
